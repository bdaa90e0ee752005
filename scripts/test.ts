// `npm test`: the whole suite from a clean clone: a stale-supergraph check, generated code and
// type checks, the explorer and server bundles, then every vitest test (unit, integration, e2e) against real PostgreSQL and Redis,
// then the fault suite (test/faults) against PostgreSQL and Redis instances of its own.
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

// The browser tests (test/e2e/explorer.e2e.test.ts, admin-console.e2e.test.ts) open the built
// explorer and console (an up-to-date build is skipped); every process the tests start runs from
// its server bundle, as in production.
if (!step('explorer, admin console and server bundles', node, ['--import', 'tsx', 'scripts/build.ts'])) process.exit(1);
process.env.ANSHIM_SERVER_BUILD = 'fresh';

// The JSON report gives one plain closing line (`N passed, N failed, N skipped`) for CI to read.
const totals = { passed: 0, failed: 0, skipped: 0 };
function vitestStep(title: string, report: string, args: string[]): boolean {
  rmSync(report, { force: true });
  const passed = step(title, 'npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (existsSync(report)) {
    const counts = JSON.parse(readFileSync(report, 'utf8')) as Record<string, number>;
    totals.passed += counts.numPassedTests ?? 0;
    totals.failed += counts.numFailedTests ?? 0;
    totals.skipped += (counts.numPendingTests ?? 0) + (counts.numTodoTests ?? 0);
  }
  return passed;
}

// The event-bus tests also run on a real three-node Redis Cluster (test/support/redis-cluster.ts)
// wherever redis-server is installed, as on CI; REDIS_CLUSTER_TEST=0 skips that.
process.env.REDIS_CLUSTER_TEST ??= spawnSync('redis-server', ['--version']).status === 0 ? '1' : '0';
console.log(`Redis Cluster tests: ${process.env.REDIS_CLUSTER_TEST === '1' ? 'on' : 'off (no redis-server)'}`);

const filters = process.argv.slice(2);
let passed = vitestStep('tests', resolve(root, 'test-artifacts/vitest.json'), filters);
// The fault suite (test/faults, its own vitest config) runs after the main suite, never alongside
// it: it stops and restarts its own PostgreSQL and Redis and kills services, and its timings must
// not compete with the main suite for the CPU. Skipped when a filter is given, or with ANSHIM_SKIP_FAULTS=1.
if (filters.length === 0 && process.env.ANSHIM_SKIP_FAULTS !== '1') {
  passed = vitestStep('fault tests (npm run test:faults)', resolve(root, 'test-artifacts/vitest-faults.json'), ['-c', 'vitest.faults.config.ts']) && passed;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(passed ? 0 : 1);
