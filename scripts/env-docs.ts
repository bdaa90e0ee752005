// `npm run docs:env`: rewrites the configuration table in README.md from the env schemas.
// `npm run docs:env -- --check` only reports (exit 1) when it is stale or a variable lacks a description.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/services.ts';
import { envDocsProblems, withEnvTable } from './lib/env-docs.ts';
import { undescribed } from './lib/env-catalogue.ts';

const readmePath = join(repoRoot, 'README.md');
const readme = readFileSync(readmePath, 'utf8');

if (process.argv.includes('--check')) {
  const problems = envDocsProblems(readme);
  for (const problem of problems) console.error(`docs:env: ${problem}`);
  process.exitCode = problems.length ? 1 : 0;
} else {
  const next = withEnvTable(readme);
  if (next !== readme) writeFileSync(readmePath, next);
  console.log(next === readme ? 'docs:env: README.md is up to date' : 'docs:env: rewrote the configuration table in README.md');
  const missing = undescribed();
  if (missing.length) {
    console.error(`docs:env: still without a description (add .describe('…') in the env schema): ${missing.map((v) => v.name).join(', ')}`);
    process.exitCode = 1;
  }
}
