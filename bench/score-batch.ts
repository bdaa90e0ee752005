// score-batch: the nightly recalculation of everyone, set-based, over generated users.
//   node --import tsx bench/score-batch.ts [users...]        (default: 10000 100000)
// Prints seconds and users/s for the first run (every user gets a score, history row and
// score_changed outbox row) and for a steady-state rerun (nothing changed: nothing written).
// Target on the 2-core reference machine: 100k users ≤ 60 s.
import { pathToFileURL } from 'node:url';
import { createLogger } from '@anshim/platform';
import { loadSafetyEnv } from '../subgraphs/safety/src/env.ts';
import { buildSafetyCore } from '../subgraphs/safety/src/safety-core.ts';
import { recalculateEveryone } from '../subgraphs/safety/src/jobs/nightly-batch.ts';
import { createBenchDatabase, generateUsers } from '../subgraphs/safety/test/support/bench-database.ts';

export interface ScoreBatchResult {
  users: number;
  generateSeconds: number;
  first: { seconds: number; usersPerSecond: number; written: number };
  rerun: { seconds: number; usersPerSecond: number; written: number };
}

export async function run(sizes: number[] = [10_000, 100_000]): Promise<ScoreBatchResult[]> {
  const results: ScoreBatchResult[] = [];
  for (const users of sizes) {
    const db = await createBenchDatabase({ services: ['safety'] });
    const env = loadSafetyEnv({ DATABASE_URL: db.databaseUrl, REDIS_URL: db.redisUrl, REDIS_PREFIX: db.redisPrefix, LOG_LEVEL: 'warn', NODE_ENV: 'test' }, 'bench');
    const core = buildSafetyCore(env, createLogger('bench', 'warn'), { poolSize: 4 });
    try {
      const generateStarted = performance.now();
      await generateUsers(db.databaseUrl, users);
      const generateSeconds = (performance.now() - generateStarted) / 1000;
      const first = await recalculateEveryone(core, { batchSize: env.SAFETY_BATCH_SIZE });
      const rerun = await recalculateEveryone(core, { batchSize: env.SAFETY_BATCH_SIZE });
      const result: ScoreBatchResult = {
        users,
        generateSeconds: round(generateSeconds),
        first: { seconds: round(first.seconds), usersPerSecond: Math.round(first.users / first.seconds), written: first.written },
        rerun: { seconds: round(rerun.seconds), usersPerSecond: Math.round(rerun.users / rerun.seconds), written: rerun.written },
      };
      results.push(result);
      console.log(
        `score-batch ${users} users (batch ${env.SAFETY_BATCH_SIZE}): first run ${result.first.seconds} s = ${result.first.usersPerSecond} users/s (${result.first.written} written); ` +
          `steady rerun ${result.rerun.seconds} s = ${result.rerun.usersPerSecond} users/s (${result.rerun.written} written)`,
      );
    } finally {
      await core.close();
      await db.drop();
    }
  }
  return results;
}

const round = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  run(sizes.length ? sizes : undefined).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
