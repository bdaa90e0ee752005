import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { Redis } from 'ioredis';
import { ensureDatabase, deployMigrations } from '../../scripts/lib/migrations.ts';
import { listServices } from '../../scripts/lib/services.ts';
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
    const ledger = await ledgerAfterSuite(databaseUrl).catch((error: Error) => error);
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

/**
 * The whole run's ledger: the sum of all postings is zero, and each payment's escrow account holds
 * its amount exactly while the payment is HELD or DISPUTED and nothing otherwise. Throws otherwise,
 * which fails the run.
 */
async function ledgerAfterSuite(databaseUrl: string): Promise<{ payments: number; postings: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const totals = await client.query<{ trial: string; postings: string; payments: string }>(
      `SELECT (SELECT COALESCE(SUM(amount), 0) FROM svc_payment.ledger_postings)::text AS trial,
              (SELECT COUNT(*) FROM svc_payment.ledger_postings)::text AS postings,
              (SELECT COUNT(*) FROM svc_payment.payments)::text AS payments`,
    );
    const { trial, postings, payments } = totals.rows[0]!;
    if (trial !== '0') throw new Error(`the ledger does not balance after the suite: postings sum to ${trial}`);
    const wrong = await client.query<{ id: string; status: string; amount: number; held: string }>(
      `SELECT p.id, p.status, p.amount, COALESCE(ABS(SUM(lp.amount)), 0)::text AS held
         FROM svc_payment.payments p
         LEFT JOIN svc_payment.ledger_postings lp ON lp.account_kind = 'ESCROW_HELD' AND lp.account_owner = p.id::text
        GROUP BY p.id, p.status, p.amount
       HAVING COALESCE(ABS(SUM(lp.amount)), 0) <> CASE WHEN p.status IN ('HELD', 'DISPUTED') THEN p.amount ELSE 0 END`,
    );
    if (wrong.rows.length > 0) {
      const first = wrong.rows.slice(0, 5).map((row) => `${row.id} ${row.status} amount ${row.amount} escrow ${row.held}`).join('; ');
      throw new Error(`${wrong.rows.length} payments' escrow does not match their status after the suite: ${first}`);
    }
    return { payments: Number(payments), postings: Number(postings) };
  } finally {
    await client.end();
  }
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
