// Generated code (Prisma clients, resolver types) is git-ignored and produced here; npm on this
// machine kind runs no install scripts, so nothing generates it implicitly.
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { defaultPrismaRoot, listServices, repoRoot } from './services.ts';

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  // `generate` never needs the native schema engine, but the CLI would try to download it (offline: ENOTFOUND).
  PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
  // No update checks or telemetry calls from a machine without internet.
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};

function run(title: string, command: string, args: string[], log: (line: string) => void): void {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${title} failed (${result.error?.message ?? `exit ${result.status}`})\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}`);
  }
  log(`${title} in ${Date.now() - started} ms`);
}

/** Every service's Prisma client, then resolver types for every subgraph (codegen.yml). */
export function generateAll(log: (line: string) => void = console.log): void {
  for (const service of listServices()) {
    const schema = relative(repoRoot, join(defaultPrismaRoot, service, 'schema.prisma'));
    run(`${service}: Prisma client from ${schema}`, bin('prisma'), ['generate', '--schema', schema], log);
  }
  run('resolver types (codegen.yml)', bin('graphql-codegen'), ['--config', 'codegen.yml', '--silent'], log);
}
