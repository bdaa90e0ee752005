import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigration, databaseUrlFromEnv, deployMigrations, ensureDatabase } from '../lib/migrations.ts';
import { defaultPrismaRoot, listServices, postgresSchemaFor } from '../lib/services.ts';

// Its own database (not the shared test one): ensureDatabase and a first-ever deploy are under test.
const serverUrl = new URL(process.env.TEST_DATABASE_URL ?? databaseUrlFromEnv());
const databaseName = `anshim_test_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
const adminUrl = Object.assign(new URL(serverUrl), { pathname: '/postgres' }).toString();

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function tablesIn(schema: string): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

function committedMigrations(service: string): string[] {
  const dir = join(defaultPrismaRoot, service, 'migrations');
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'migration.sql')));
}

const tempRoots: string[] = [];
function tempPrismaRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'anshim-prisma-'));
  tempRoots.push(root);
  cpSync(join(defaultPrismaRoot, 'user'), join(root, 'user'), { recursive: true });
  return root;
}

beforeAll(async () => {
  expect(await ensureDatabase(databaseUrl)).toBe(true);
  expect(await ensureDatabase(databaseUrl)).toBe(false);
});

afterAll(async () => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
});

describe('deployMigrations', () => {
  it('applies every service into its own schema, then nothing on a second run', async () => {
    const services = listServices();
    expect(services).toContain('user');

    for (const service of services) {
      const lines: string[] = [];
      const applied = await deployMigrations({ databaseUrl, service, log: (line) => lines.push(line) });
      expect(applied.sort()).toEqual(committedMigrations(service).sort());
      expect(lines.join('\n')).toContain(`applied ${applied.length} migration(s)`);
    }

    expect(await tablesIn('svc_user')).toEqual(expect.arrayContaining(['_prisma_migrations', 'users', 'refresh_tokens']));
    // Nothing leaks into public: each service's history lives next to its tables.
    expect(await tablesIn('public')).toEqual([]);
    const history = await query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM svc_user._prisma_migrations',
    );
    expect(history.length).toBe(committedMigrations('user').length);
    expect(history.every((row) => row.finished_at !== null)).toBe(true);

    for (const service of services) {
      const lines: string[] = [];
      expect(await deployMigrations({ databaseUrl, service, log: (line) => lines.push(line) })).toEqual([]);
      expect(lines.join('\n')).toContain('nothing applied');
    }
  });
});

describe('deployMigrations with hand-written SQL', () => {
  function rootWithMigrations(migrations: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'anshim-prisma-'));
    tempRoots.push(root);
    cpSync(join(defaultPrismaRoot, 'user', 'schema.prisma'), join(root, 'raw', 'schema.prisma'));
    for (const [name, sql] of Object.entries(migrations)) {
      mkdirSync(join(root, 'raw', 'migrations', name), { recursive: true });
      writeFileSync(join(root, 'raw', 'migrations', name, 'migration.sql'), sql);
    }
    return root;
  }

  it('keeps semicolons inside literals and $$ bodies, and rolls a failing migration back whole', async () => {
    const root = rootWithMigrations({
      '20200101000000_semicolons': [
        "CREATE TABLE notes (body text DEFAULT 'a;b');",
        'CREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;',
      ].join('\n'),
      '20200101000001_broken': 'CREATE TABLE half (id int);\nSELECT nope FROM missing;\n',
    });
    await expect(deployMigrations({ databaseUrl, service: 'raw', prismaRoot: root, log: () => undefined })).rejects.toThrow(
      /20200101000001_broken/,
    );
    expect(await tablesIn('svc_raw')).toEqual(['_prisma_migrations', 'notes']);
    const [row] = await query<{ body: string }>("INSERT INTO svc_raw.notes DEFAULT VALUES RETURNING body");
    expect(row?.body).toBe('a;b');
  });
});

describe('createMigration', () => {
  const quiet = () => undefined;

  it('writes nothing when schema.prisma equals the snapshot', async () => {
    const root = tempPrismaRoot();
    const migrations = join(root, 'user', 'migrations');
    // Pin the schema to the snapshot so the test does not depend on uncommitted schema edits.
    writeFileSync(join(root, 'user', 'schema.prisma'), readFileSync(join(migrations, 'schema.snapshot.prisma')));
    const before = readdirSync(migrations).sort();
    const lines: string[] = [];

    expect(await createMigration({ service: 'user', name: 'noop', prismaRoot: root, databaseUrl, log: (l) => lines.push(l) })).toBeNull();
    expect(lines).toEqual(['user: no changes']);
    expect(readdirSync(migrations).sort()).toEqual(before);
  });

  it('writes a schema-agnostic migration for an added model, which then deploys on top', async () => {
    const root = tempPrismaRoot();
    const schemaPath = join(root, 'user', 'schema.prisma');
    writeFileSync(schemaPath, readFileSync(join(root, 'user', 'migrations', 'schema.snapshot.prisma')));
    appendFileSync(schemaPath, '\nmodel Pet {\n  id   Int    @id\n  name String\n\n  @@map("pets")\n}\n');

    const dir = await createMigration({
      service: 'user',
      name: 'Add pets',
      prismaRoot: root,
      databaseUrl,
      log: quiet,
      now: new Date('2999-01-02T03:04:05Z'),
    });
    expect(dir).toBe(join(root, 'user', 'migrations', '29990102030405_add_pets'));
    const sql = readFileSync(join(dir!, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "pets"');
    expect(sql).not.toMatch(/CREATE SCHEMA|svc_|public/);
    expect(readFileSync(join(root, 'user', 'migrations', 'schema.snapshot.prisma'), 'utf8')).toBe(readFileSync(schemaPath, 'utf8'));
    expect(readFileSync(join(root, 'user', 'migrations', 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');

    expect(await createMigration({ service: 'user', name: 'again', prismaRoot: root, databaseUrl, log: quiet })).toBeNull();

    // Deploy runs after the 'deployMigrations' block (same file, sequential), so only the new one applies.
    expect(await deployMigrations({ databaseUrl, service: 'user', prismaRoot: root, log: quiet })).toEqual([
      '29990102030405_add_pets',
    ]);
    expect(await tablesIn(postgresSchemaFor('user'))).toContain('pets');
  });

  it('starts from an empty database when there is no snapshot yet', async () => {
    const root = tempPrismaRoot();
    rmSync(join(root, 'user', 'migrations'), { recursive: true });

    const dir = await createMigration({ service: 'user', name: 'init', prismaRoot: root, databaseUrl, log: quiet });
    const sql = readFileSync(join(dir!, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "users"');
    expect(sql).not.toMatch(/CREATE SCHEMA|svc_user/);
    expect(existsSync(join(root, 'user', 'migrations', 'schema.snapshot.prisma'))).toBe(true);
  });

  it('rejects bad names and unknown services', async () => {
    await expect(createMigration({ service: 'nope', name: 'x', prismaRoot: tempPrismaRoot(), log: quiet })).rejects.toThrow(
      /no schema at/,
    );
    await expect(createMigration({ service: 'user', name: '!!!', log: quiet })).rejects.toThrow(/invalid migration name/);
    await expect(createMigration({ service: 'Bad-Name', name: 'x', log: quiet })).rejects.toThrow(/invalid service name/);
  });
});
