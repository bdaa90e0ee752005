// What must hold on a database the drill restored, read with plain SQL: every service's migrations
// recorded, the event bus's books consistent, and the row counts of every table (compared with the
// counts the live system had at the recovery target).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { defaultPrismaRoot, listServices, postgresSchemaFor } from '../services.ts';

type Sql = pg.ClientBase | pg.Pool;

/** Rows per table of every service schema (`svc_user.users` → n), read in one snapshot. */
export async function tableCounts(client: Sql): Promise<Record<string, number>> {
  const { rows: tables } = await client.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_schema LIKE 'svc\\_%' AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
  );
  if (tables.length === 0) return {};
  // One statement reads under one snapshot: the counts are of one moment.
  const union = tables.map((t, i) => `SELECT ${i} AS i, count(*)::int AS n FROM "${t.schema}"."${t.name}"`).join(' UNION ALL ');
  const { rows } = await client.query<{ i: number; n: number }>(union);
  return Object.fromEntries(rows.map((row) => [`${tables[row.i]!.schema}.${tables[row.i]!.name}`, row.n]));
}

/** The tables whose counts differ, as `table: expected → actual`. */
export function countDifferences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names.filter((name) => expected[name] !== actual[name]).map((name) => `${name}: ${expected[name] ?? 'absent'} → ${actual[name] ?? 'absent'}`);
}

/**
 * Every migration in `prisma/<service>/migrations` is recorded as applied (finished, not rolled
 * back) in that service's `_prisma_migrations`, and nothing else is. Throws, naming what is off.
 */
export async function checkMigrations(client: Sql): Promise<{ services: number; migrations: number }> {
  let total = 0;
  const problems: string[] = [];
  const services = listServices();
  for (const service of services) {
    const dir = join(defaultPrismaRoot, service, 'migrations');
    const expected = readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, 'migration.sql')))
      .sort();
    const { rows } = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM "${postgresSchemaFor(service)}"._prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1`,
    );
    const recorded = rows.map((row) => row.name);
    const missing = expected.filter((name) => !recorded.includes(name));
    const unknown = recorded.filter((name) => !expected.includes(name));
    if (missing.length) problems.push(`${service} lacks ${missing.join(', ')}`);
    if (unknown.length) problems.push(`${service} records unknown ${unknown.join(', ')}`);
    total += expected.length;
  }
  if (problems.length) throw new Error(`migrations: ${problems.join('; ')}`);
  return { services: services.length, migrations: total };
}

export interface OutboxSummary {
  rows: number;
  published: number;
  unsent: number;
  processed: number;
}

/**
 * The event bus's books across every service: a published row was published after it was
 * written (and, with `target`, no later than the recovery target: nothing after it survived), and
 * every event a consumer recorded as processed is a published row of some service's outbox (a
 * consumer cannot have seen an event that was never committed and relayed). Throws otherwise.
 */
export async function checkOutbox(client: Sql, target?: string): Promise<OutboxSummary> {
  const { rows: schemas } = await client.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox_events' AND table_schema LIKE 'svc\\_%' ORDER BY 1`,
  );
  const outboxes = schemas.map(({ schema }) => `SELECT id, created_at, published_at FROM "${schema}".outbox_events`).join(' UNION ALL ');
  const { rows: consumers } = await client.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'processed_events' AND table_schema LIKE 'svc\\_%' ORDER BY 1`,
  );
  const processed = consumers.map(({ schema }) => `SELECT '${schema}' AS schema, consumer, event_id FROM "${schema}".processed_events`).join(' UNION ALL ');
  const { rows } = await client.query<{ rows: number; published: number; unsent: number; processed: number; early: number; late: number; orphans: number; orphan: string | null }>(
    `WITH outbox AS (${outboxes}), processed AS (${processed})
     SELECT (SELECT count(*)::int FROM outbox) AS rows,
            (SELECT count(*)::int FROM outbox WHERE published_at IS NOT NULL) AS published,
            (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS unsent,
            (SELECT count(*)::int FROM processed) AS processed,
            (SELECT count(*)::int FROM outbox WHERE published_at < created_at) AS early,
            (SELECT count(*)::int FROM outbox WHERE $1::timestamptz IS NOT NULL AND (published_at > $1::timestamptz OR created_at > $1::timestamptz)) AS late,
            (SELECT count(*)::int FROM processed p WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = p.event_id AND o.published_at IS NOT NULL)) AS orphans,
            (SELECT p.schema || ' ' || p.consumer || ' ' || p.event_id FROM processed p WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = p.event_id AND o.published_at IS NOT NULL) LIMIT 1) AS orphan`,
    [target ?? null],
  );
  const found = rows[0]!;
  const problems = [
    found.early ? `${found.early} rows published before they were written` : '',
    found.late ? `${found.late} rows written or published after the recovery target ${target}` : '',
    found.orphans ? `${found.orphans} processed events with no published outbox row (first: ${found.orphan})` : '',
  ].filter(Boolean);
  if (problems.length) throw new Error(`outbox: ${problems.join('; ')}`);
  return { rows: found.rows, published: found.published, unsent: found.unsent, processed: found.processed };
}
