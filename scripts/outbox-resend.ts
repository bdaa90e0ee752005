// `npm run outbox:resend -- --since <timestamp> [--dry-run] [service...]`: the events every service
// (or the named ones) published since <timestamp> are published again by the running relays;
// consumers skip the ones they already applied. Use it after Redis lost queued events, or after a
// point-in-time restore (docs/operations.md, "Backups and point-in-time recovery"). DATABASE_URL as for
// `npm run migrate`. A timestamp with its offset: '2026-12-06 04:00:00+00'.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { databaseUrlFromEnv } from './lib/migrations.ts';
import { resendPublishedSince } from './lib/restore/outbox-resend.ts';

const { values, positionals } = parseArgs({ options: { since: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } }, allowPositionals: true });

async function main(): Promise<void> {
  const since = values.since;
  if (!since) throw new Error('usage: outbox-resend.ts --since <timestamp with offset> [--dry-run] [service...]');
  const client = new pg.Client({ connectionString: databaseUrlFromEnv() });
  await client.connect();
  try {
    const counts = await resendPublishedSince(client, since, { services: positionals.length ? positionals : undefined, dryRun: values['dry-run'] });
    for (const [service, n] of Object.entries(counts)) console.log(`${service}: ${n} events ${values['dry-run'] ? 'would be' : 'marked to be'} published again`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(`outbox-resend: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
