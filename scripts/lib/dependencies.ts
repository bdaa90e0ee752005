import pg from 'pg';
import { Redis } from 'ioredis';

const HOW_TO_START = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
};

/** Fails with the URL that was tried and how to start the missing service. */
export async function checkDependencies(env: { DATABASE_URL: string; REDIS_URL: string }): Promise<void> {
  const problems: string[] = [];
  const admin = new URL(env.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problems.push(`PostgreSQL is not reachable at ${redact(env.DATABASE_URL)} (${(error as Error).message}).\n    Start it with: ${HOW_TO_START.postgres}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  let cause: Error | undefined;
  redis.on('error', (error: Error) => { cause ??= error; });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(`Redis is not reachable at ${redact(env.REDIS_URL)} (${(cause ?? (error as Error)).message}).\n    Start it with: ${HOW_TO_START.redis}`);
  } finally {
    redis.disconnect();
  }
  if (problems.length) throw new Error(`\n  ${problems.join('\n  ')}`);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
