// `npm run outbox:resend` as an operator runs it, on a database of its own (user and transaction
// migrated): only rows published since the given moment, in the named services, become unsent;
// --dry-run changes nothing; a missing --since or an unknown service is refused.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlFromEnv, deployMigrations, ensureDatabase } from '../lib/migrations.ts';
import { repoRoot } from '../lib/services.ts';

const serverUrl = new URL(process.env.TEST_DATABASE_URL ?? databaseUrlFromEnv());
const databaseName = `anshim_test_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
const adminUrl = Object.assign(new URL(serverUrl), { pathname: '/postgres' }).toString();
let sql: pg.Pool;

function resend(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, ['--import', 'tsx', 'scripts/outbox-resend.ts', ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const rows = {
  early: randomUUID(),
  late: randomUUID(),
  unsent: randomUUID(),
  lateTransaction: randomUUID(),
};

beforeAll(async () => {
  await ensureDatabase(databaseUrl);
  for (const service of ['user', 'transaction']) await deployMigrations({ databaseUrl, service, log: () => undefined });
  sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const insert = (schema: string, id: string, publishedAt: string | null) =>
    sql.query(`INSERT INTO ${schema}.outbox_events (id, topic, type, payload, priority, created_at, published_at) VALUES ($1, 'drill', 'drill.test', '{}', 5, '2026-01-01 09:00+00', $2)`, [id, publishedAt]);
  await insert('svc_user', rows.early, '2026-01-01 10:00+00');
  await insert('svc_user', rows.late, '2026-01-01 12:00+00');
  await insert('svc_user', rows.unsent, null);
  await insert('svc_transaction', rows.lateTransaction, '2026-01-01 13:00+00');
});

afterAll(async () => {
  await sql?.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
});

const unsentIds = async () =>
  (await sql.query<{ id: string }>(`SELECT id FROM svc_user.outbox_events WHERE published_at IS NULL UNION ALL SELECT id FROM svc_transaction.outbox_events WHERE published_at IS NULL`)).rows.map((r) => r.id).sort();

describe('npm run outbox:resend', () => {
  it('refuses a run without --since, and an unknown service', async () => {
    const bare = await resend('user');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/usage: outbox-resend\.ts --since/);
    const unknown = await resend('--since', '2026-01-01 11:00+00', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown service\(s\): nosuch/);
    expect(await unsentIds()).toEqual([rows.unsent]);
  });

  it('--dry-run counts the rows published since the moment and changes nothing', async () => {
    const dry = await resend('--since', '2026-01-01 11:00+00', '--dry-run', 'user', 'transaction');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('user: 1 events would be published again\ntransaction: 1 events would be published again\n');
    expect(await unsentIds()).toEqual([rows.unsent]);
  });

  it('marks exactly the rows published since the moment unsent, in the named services only', async () => {
    const userOnly = await resend('--since', '2026-01-01 11:00+00', 'user');
    expect(userOnly.stdout).toBe('user: 1 events marked to be published again\n');
    expect(await unsentIds()).toEqual([rows.late, rows.unsent].sort());
    const both = await resend('--since', '2026-01-01 11:00+00', 'user', 'transaction');
    expect(both.code).toBe(0);
    expect(both.stdout).toBe('user: 0 events marked to be published again\ntransaction: 1 events marked to be published again\n');
    expect(await unsentIds()).toEqual([rows.late, rows.lateTransaction, rows.unsent].sort());
  });
});
