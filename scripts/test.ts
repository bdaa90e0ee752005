// `npm test`: the whole suite from a clean clone: a stale-supergraph check, generated code and
// type checks, the explorer bundle, then every vitest test (unit, integration, e2e) against real PostgreSQL and Redis.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { root } from './lib/processes.ts';

function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) console.log(`✔ ${title} (${seconds} s)`);
  else console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}, ${seconds} s)`);
  return result.status === 0;
}

const node = process.execPath;
if (!step('supergraph is up to date', node, ['--import', 'tsx', 'scripts/compose.ts', '--check'])) process.exit(1);
// turbo runs `generate` (Prisma clients, resolver types) first, then every package's type check in parallel.
if (!step('generate and type check', 'npx', ['turbo', 'run', 'typecheck', 'typecheck:root', '--output-logs=errors-only'], { TURBO_TELEMETRY_DISABLED: '1' })) process.exit(1);

// The browser test (test/e2e/explorer.e2e.test.ts) opens the built explorer; an up-to-date build is skipped.
if (!step('explorer bundle', node, ['--import', 'tsx', 'scripts/build.ts'])) process.exit(1);

// The JSON report gives one plain closing line (`N passed, N failed, N skipped`) for CI to read.
const report = resolve(root, 'test-artifacts/vitest.json');
rmSync(report, { force: true });
const passed = step('tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
if (existsSync(report)) {
  const counts = JSON.parse(readFileSync(report, 'utf8')) as Record<string, number>;
  const skipped = (counts.numPendingTests ?? 0) + (counts.numTodoTests ?? 0);
  console.log(`tests: ${counts.numPassedTests} passed, ${counts.numFailedTests} failed, ${skipped} skipped`);
}
process.exit(passed ? 0 : 1);
