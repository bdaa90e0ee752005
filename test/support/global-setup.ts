import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { Redis } from 'ioredis';
import { ensureDatabase, deployMigrations } from '../../scripts/lib/migrations.ts';
import { listServices } from '../../scripts/lib/services.ts';
import { assertLedgerBalanced } from './ledger-check.ts';
import './provided-context.ts';

const baseDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';

/** Creates `anshim_test_<random>`, migrates every service into it, and drops it afterwards. */
export default async function setup(project: TestProject) {
  const suffix = randomBytes(4).toString('hex');
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/anshim_test_${suffix}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  for (const service of listServices()) {
    await deployMigrations({ databaseUrl, service, log: () => undefined });
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  project.provide('redisPrefix', `anshim_test_${suffix}`);

  return async () => {
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    // Issue 19's "the ledger balances after the whole test suite": every payment test of this run
    // wrote into this one database, so read its ledger once more before it goes.
    const ledger = await assertLedgerBalanced(databaseUrl).catch((error: Error) => new Error(`${error.message} after the suite`));
    await client.query(`DROP DATABASE IF EXISTS "anshim_test_${suffix}" WITH (FORCE)`);
    await client.end();
    await deleteRedisKeys(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', `anshim_test_${suffix}`);
    if (ledger instanceof Error) {
      // Vitest prints a teardown error but still exits 0: set the exit code ourselves.
      process.exitCode = 1;
      throw ledger;
    }
    console.log(`ledger after the suite: ${ledger.payments} payments, ${ledger.postings} postings, trial balance 0, every escrow balance matches its payment's status`);
  };
}

/** Removes every key the run wrote (all test prefixes start with the run's prefix). */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
