// `npm test`: the whole suite from a clean clone: generated code, a stale-supergraph check,
// type checks, then every vitest test (unit, integration, e2e) against real PostgreSQL and Redis.
import { spawnSync } from 'node:child_process';
import { root } from './lib/processes.ts';

function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const node = process.execPath;
step('supergraph is up to date', node, ['--import', 'tsx', 'scripts/compose.ts', '--check']);
// turbo runs `generate` (Prisma clients, resolver types) first, then every package's type check in parallel.
step('generate and type check', 'npx', ['turbo', 'run', 'typecheck', 'typecheck:root', '--output-logs=errors-only'], { TURBO_TELEMETRY_DISABLED: '1' });
step('tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]);
