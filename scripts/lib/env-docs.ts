// The configuration table of README.md, generated from the env schemas (scripts/lib/env-catalogue.ts).
import { PROCESS_NAMES, envVariables, undescribed, type EnvVariable } from './env-catalogue.ts';

export const ENV_START = '<!-- env:start -->';
export const ENV_END = '<!-- env:end -->';
export const FIX_COMMAND = 'npm run docs:env';

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

/** README text with the marked block replaced by a fresh table. */
export function withEnvTable(readme: string, table = renderEnvTable()): string {
  const start = readme.indexOf(ENV_START);
  const end = readme.indexOf(ENV_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${ENV_START} … ${ENV_END} block`);
  return `${readme.slice(0, start + ENV_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** Problems that make the docs wrong, each saying how to fix it; empty when all is well. */
export function envDocsProblems(readme: string, variables = envVariables()): string[] {
  const problems: string[] = [];
  const missing = undescribed(variables);
  if (missing.length) {
    problems.push(
      `${missing.length} environment variable(s) have no description: ` +
        `${missing.map((v) => `${v.name} (read by ${v.processes.join(', ')})`).join('; ')}. ` +
        `Add .describe('…') to each in its zod env schema (packages/platform/src/env.ts, gateway/src/env.ts, subgraphs/<name>/src/env.ts), then run \`${FIX_COMMAND}\`.`,
    );
  }
  if (withEnvTable(readme, renderEnvTable(variables)) !== readme) {
    problems.push(`README.md's configuration table is stale (it no longer matches the env schemas): run \`${FIX_COMMAND}\` and commit README.md.`);
  }
  return problems;
}
