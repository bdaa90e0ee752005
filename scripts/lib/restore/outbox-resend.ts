// Hands the events published since a moment to the relays again: every service's outbox rows
// published at or after `since` are marked unsent, and each service's relay publishes them anew.
// Consumers record each event they apply (processed_events) and skip one they have seen, so a
// re-sent event that was already applied changes nothing, and one that was lost is applied once.
// For a Redis that lost queued events, and for a database restored to an earlier moment than the
// queues (docs/operations.md, "Backups and point-in-time recovery").
import type pg from 'pg';
import { listServices, postgresSchemaFor } from '../services.ts';

/** Marks rows published since `since` unsent in each service's outbox (all services by default); returns the counts. */
export async function resendPublishedSince(client: pg.ClientBase | pg.Pool, since: string, options: { services?: string[]; dryRun?: boolean } = {}): Promise<Record<string, number>> {
  const services = options.services ?? listServices();
  const known = listServices();
  const unknown = services.filter((service) => !known.includes(service));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const counts: Record<string, number> = {};
  for (const service of services) {
    const table = `"${postgresSchemaFor(service)}".outbox_events`;
    const { rows } = options.dryRun
      ? await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE published_at >= $1::timestamptz`, [since])
      : await client.query<{ n: number }>(`WITH marked AS (UPDATE ${table} SET published_at = NULL WHERE published_at >= $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM marked`, [since]);
    counts[service] = rows[0]!.n;
  }
  return counts;
}
