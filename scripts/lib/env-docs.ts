// The configuration table of docs/configuration.md, generated from the env schemas (scripts/lib/env-catalogue.ts).
import { PROCESS_NAMES, envVariables, undescribed, type EnvVariable } from './env-catalogue.ts';
import { withBlock, type GeneratedBlock } from './generated-block.ts';

export const ENV_START = '<!-- env:start -->';
export const ENV_END = '<!-- env:end -->';
export const FIX_COMMAND = 'npm run docs:env';
export const ENV_TABLE: GeneratedBlock = { page: 'docs/configuration.md', start: ENV_START, end: ENV_END };

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function processesCell(variable: EnvVariable): string {
  const servers = PROCESS_NAMES.filter((name) => name !== 'migrate');
  if (servers.every((name) => variable.processes.includes(name))) return 'all';
  return variable.processes.join(', ');
}

function defaultCell(variable: EnvVariable): string {
  if (variable.required) return '**required**';
  return variable.defaultValue === undefined || variable.defaultValue === '' ? '—' : `\`${cell(variable.defaultValue)}\``;
}

/** The markdown table, one row per variable. */
export function renderEnvTable(variables = envVariables()): string {
  const rows = variables.map((v) => `| \`${v.name}\` | ${processesCell(v)} | ${defaultCell(v)} | ${cell(v.description ?? '')} |`);
  return ['| variable | read by | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The page's text with the marked block replaced by a fresh table. */
export function withEnvTable(page: string, table = renderEnvTable()): string {
  return withBlock(ENV_TABLE, page, table);
}

/** Problems that make the docs wrong, each saying how to fix it; empty when all is well. */
export function envDocsProblems(page: string, variables = envVariables()): string[] {
  const problems: string[] = [];
  const missing = undescribed(variables);
  if (missing.length) {
    problems.push(
      `${missing.length} environment variable(s) have no description: ` +
        `${missing.map((v) => `${v.name} (read by ${v.processes.join(', ')})`).join('; ')}. ` +
        `Add .describe('…') to each in its zod env schema (packages/platform/src/env.ts, gateway/src/env.ts, subgraphs/<name>/src/env.ts), then run \`${FIX_COMMAND}\`.`,
    );
  }
  if (withEnvTable(page, renderEnvTable(variables)) !== page) {
    problems.push(`${ENV_TABLE.page}'s configuration table is stale (it no longer matches the env schemas): run \`${FIX_COMMAND}\` and commit ${ENV_TABLE.page}.`);
  }
  return problems;
}
