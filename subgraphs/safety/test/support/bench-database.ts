// For the safety benchmarks (bench/score-*.ts, bench/worker-throughput.ts): a throw-away database
// with the services' migrations applied, a Redis prefix of its own, and synthetic users generated
// set-based in SQL. Everything is dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { deployMigrations, ensureDatabase } from '../../../../scripts/lib/migrations.ts';
import { listServices } from '../../../../scripts/lib/services.ts';

export interface BenchDatabase {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(options: { services?: string[] } = {}): Promise<BenchDatabase> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const suffix = randomBytes(4).toString('hex');
  const url = new URL(base);
  url.pathname = `/anshim_bench_${suffix}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  for (const service of options.services ?? listServices()) await deployMigrations({ databaseUrl, service, log: () => undefined });
  const redisPrefix = `anshim_bench_${suffix}`;
  return {
    databaseUrl,
    redisUrl,
    redisPrefix,
    async drop() {
      const admin = new URL(databaseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "anshim_bench_${suffix}" WITH (FORCE)`);
      await client.end();
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      for (let cursor = '0'; ; ) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        if ((cursor = next) === '0') break;
      }
      redis.disconnect();
    },
  };
}

/**
 * Fills svc_safety's projection with `users` synthetic users, in a few set-based statements: a
 * spread of account ages and verifications, ~3 trades per user with ratings, cancellations and
 * disputes, accepted and pending reports for a few percent, sanctions and risk signals for fewer.
 */
export async function generateUsers(databaseUrl: string, users: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, options: '-c search_path=svc_safety' });
  await client.connect();
  try {
    await client.query(`
      CREATE TEMP TABLE bench_users AS
      SELECT gen_random_uuid() AS user_id, n FROM generate_series(1, $1::int) AS n;
      INSERT INTO user_inputs (user_id, registered_at, email_verified_at, phone_verified_at, id_card_verified_at, oauth_verified_at,
                               profile_completeness, profile_at, status, status_until, status_at, updated_at)
      SELECT user_id,
             now() - (random() * 720) * interval '1 day',
             CASE WHEN random() < 0.8 THEN now() - interval '3 days' END,
             CASE WHEN random() < 0.5 THEN now() - interval '2 days' END,
             CASE WHEN random() < 0.1 THEN now() - interval '1 day' END,
             CASE WHEN random() < 0.2 THEN now() - interval '1 day' END,
             (random() * 100)::int, now() - interval '1 day',
             (CASE WHEN n % 200 = 0 THEN 'BANNED' WHEN n % 150 = 0 THEN 'SUSPENDED' ELSE 'ACTIVE' END)::"AccountStatus",
             CASE WHEN n % 150 = 0 AND n % 200 <> 0 THEN now() + interval '5 days' END,
             now() - interval '1 day', now()
        FROM bench_users;
      INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at, stars, rated_at)
      SELECT gen_random_uuid(), u.user_id, gen_random_uuid(), 'SELLER',
             (CASE WHEN r < 0.85 THEN 'COMPLETED' WHEN r < 0.95 THEN 'CANCELLED' ELSE 'DISPUTED' END)::"TradeOutcome",
             CASE WHEN r < 0.9 THEN u.user_id ELSE gen_random_uuid() END,
             now() - (random() * 200) * interval '1 day',
             CASE WHEN r < 0.6 THEN 3 + (random() * 2)::int END,
             CASE WHEN r < 0.6 THEN now() - interval '1 day' END
        FROM bench_users u, LATERAL (SELECT random() AS r, g FROM generate_series(1, (u.n % 7)) AS g) t;
      INSERT INTO report_facts (report_id, target_user_id, reporter_id, type, state, filed_at, decided_at)
      SELECT gen_random_uuid(), user_id, gen_random_uuid(),
             (ARRAY['FRAUD','NO_SHOW','COUNTERFEIT','ABUSIVE_LANGUAGE','HARASSMENT','OFF_PLATFORM_PAYMENT','OTHER'])[1 + n % 7],
             (CASE WHEN n % 3 = 0 THEN 'ACCEPTED' WHEN n % 3 = 1 THEN 'DISMISSED' ELSE 'PENDING' END)::"ReportState",
             now() - (random() * 300) * interval '1 day', CASE WHEN n % 3 <> 2 THEN now() END
        FROM bench_users WHERE n % 20 = 0;
      INSERT INTO sanction_facts (report_id, user_id, type, starts_at, ends_at)
      SELECT gen_random_uuid(), user_id, 'SUSPENSION', now() - interval '1 day', now() + interval '6 days'
        FROM bench_users WHERE n % 250 = 0;
      INSERT INTO risk_signals (alert_id, user_id, level, rule, detected_at, expires_at)
      SELECT gen_random_uuid(), user_id, (ARRAY['MEDIUM','HIGH','CRITICAL'])[1 + n % 3]::"RiskLevel", 'BENCH', now() - interval '1 hour',
             CASE WHEN n % 2 = 0 THEN now() + interval '1 day' END
        FROM bench_users WHERE n % 100 = 0;
      ANALYZE user_inputs; ANALYZE trade_facts; ANALYZE report_facts; ANALYZE sanction_facts; ANALYZE risk_signals;
    `.replace('$1::int', String(Math.floor(users))));
  } finally {
    await client.end();
  }
}
