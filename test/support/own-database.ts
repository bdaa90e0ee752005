// A database of a test file's own, with the given services' migrations deployed, dropped by
// `drop()`: for tests whose answers cover "everything" (counts, whole queues, reconciliations) and so
// must not see what other test files write to the shared test database at the same time.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { deployMigrations, ensureDatabase } from '../../scripts/lib/migrations.ts';

export interface OwnDatabase {
  databaseUrl: string;
  drop: () => Promise<void>;
}

export async function ownDatabase(label: string, services: readonly string[]): Promise<OwnDatabase> {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const name = `anshim_test_${label}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  await ensureDatabase(databaseUrl);
  for (const service of services) await deployMigrations({ databaseUrl, service, log: () => undefined });
  return {
    databaseUrl,
    async drop() {
      const client = new pg.Client({ connectionString: Object.assign(new URL(base), { pathname: '/postgres' }).toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
