// What must hold after a soak, each as a named verdict with counts and examples when it fails:
// events consumed by every handling service, outboxes empty, guardian SMS sent exactly once, the
// ledger balanced, no dead letters. (5xx, memory, latency and subscriptions: report.ts and run.ts.)
import pg from 'pg';
import { SUBGRAPHS, type SubgraphName } from '@anshim/contracts';
import { Queue } from 'bullmq';
import { consumerQueueName, createQueueConnection, DeadLetters, queuePrefix } from '@anshim/platform';
import { findHandlers } from '../event-map.ts';
import { readLedger, type LedgerReading } from '../ledger-check.ts';
import { withPgClient } from '../pg-client.ts';
import type { VendorRequest } from '../../../test/support/sms-vendor.ts';
import type { ProtectedMember } from './load.ts';

export interface Verdict {
  name: string;
  ok: boolean;
  /** One line: the counts that decide it. */
  summary: string;
  /** Up to a few failing examples. */
  examples?: unknown[];
  /** Why it probably failed, when a known cause explains it. */
  note?: string;
  details?: Record<string, unknown>;
}

const services = (): SubgraphName[] => SUBGRAPHS.map(({ name }) => name);
/** The opening every guardian alert SMS shares (user/src/messages.ts guardianTexts; not the invitation, not the payment approval). */
export const GUARDIAN_ALERT_OPENING = '[안심] 보호자님께 알려 드립니다.';

export interface OutboxRow {
  service: SubgraphName;
  id: string;
  type: string;
  createdAt: Date;
  publishedAt: Date | null;
  data: Record<string, unknown>;
}

export class SoakDatabase {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
    this.pool.on('error', () => undefined);
  }

  async outbox(): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    for (const service of services()) {
      const { rows: found } = await this.pool.query<{ id: string; type: string; created_at: Date; published_at: Date | null; data: Record<string, unknown> }>(
        `SELECT id, type, created_at, published_at, payload->'data' AS data FROM svc_${service}.outbox_events`,
      );
      for (const row of found) rows.push({ service, id: row.id, type: row.type, createdAt: row.created_at, publishedAt: row.published_at, data: row.data ?? {} });
    }
    return rows;
  }

  /** consumer → processed event ids (each consumer records in its own schema). */
  async processed(): Promise<Map<string, Set<string>>> {
    const byConsumer = new Map<string, Set<string>>();
    for (const service of services()) {
      const { rows } = await this.pool.query<{ consumer: string; event_id: string }>(`SELECT consumer, event_id FROM svc_${service}.processed_events`);
      for (const row of rows) {
        const set = byConsumer.get(row.consumer) ?? new Set<string>();
        set.add(row.event_id);
        byConsumer.set(row.consumer, set);
      }
    }
    return byConsumer;
  }

  async guardianNotifications(): Promise<Array<{ guardianId: string; causeId: string; kind: string; sentAt: Date }>> {
    const { rows } = await this.pool.query<{ guardian_id: string; cause_id: string; kind: string; sent_at: Date }>(`SELECT guardian_id, cause_id, kind, sent_at FROM svc_user.guardian_notifications`);
    return rows.map((r) => ({ guardianId: r.guardian_id, causeId: r.cause_id, kind: r.kind, sentAt: r.sent_at }));
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/** Every event a service wrote to its outbox was processed by each service that handles its type. */
let handlersFound: ReturnType<typeof findHandlers> | undefined;

export function eventsConsumed(outbox: OutboxRow[], processed: Map<string, Set<string>>): Verdict {
  // Read from the source once (every subgraph's files): the drain asks again every two seconds.
  const handlers = (handlersFound ??= findHandlers());
  const missing: Array<{ event: string; type: string; producer: string; consumer: string; createdAt: string }> = [];
  let deliveries = 0;
  const perConsumer: Record<string, { expected: number; missing: number }> = {};
  for (const row of outbox) {
    for (const { service: consumer } of handlers.get(row.type as never) ?? []) {
      deliveries++;
      const tally = (perConsumer[consumer] ??= { expected: 0, missing: 0 });
      tally.expected++;
      if (processed.get(consumer)?.has(row.id)) continue;
      tally.missing++;
      missing.push({ event: row.id, type: row.type, producer: row.service, consumer, createdAt: row.createdAt.toISOString() });
    }
  }
  const missingByType = countBy(missing, (m) => `${m.type} → ${m.consumer}`);
  // The other half of "exactly once": nothing was processed that no service committed (an event
  // published twice under two ids, or from outside an outbox, would show here).
  const committed = new Set(outbox.map((row) => row.id));
  const phantoms = [...processed].flatMap(([consumer, ids]) => [...ids].filter((id) => !committed.has(id)).map((event) => ({ consumer, event })));
  return {
    name: 'every committed event consumed by each subscriber',
    ok: missing.length === 0 && phantoms.length === 0,
    summary: `${outbox.length} outbox events, ${deliveries} (event, handling service) pairs, ${missing.length} not processed, ${phantoms.length} processed events no outbox holds`,
    ...(missing.length || phantoms.length
      ? { examples: [...missing.slice(0, 8), ...phantoms.slice(0, 4)], details: { missingCount: missing.length, phantomCount: phantoms.length, missingByType, perConsumer } }
      : { details: { missingCount: 0, phantomCount: 0, perConsumer } }),
  };
}

export function outboxSent(outbox: OutboxRow[]): Verdict {
  const unsent = outbox.filter((row) => row.publishedAt === null);
  return {
    name: 'no outbox row left unsent',
    ok: unsent.length === 0,
    summary: `${unsent.length} of ${outbox.length} outbox rows unsent`,
    ...(unsent.length ? { examples: unsent.slice(0, 8).map((r) => ({ service: r.service, id: r.id, type: r.type, createdAt: r.createdAt.toISOString() })), details: { byService: countBy(unsent, (r) => r.service) } } : {}),
  };
}

/**
 * Guardian SMS, exactly once: (1) every overdue check-in of a protected member produced a
 * notification record for each of their guardians (the cause was not lost on the way); (2) every
 * notification record reached the vendor (accepted) under exactly one idempotency key; (3) no
 * message went out twice under different keys. A message accepted again under the SAME key is the
 * sender's one unavoidable window (killed after the vendor accepted, before it marked the row sent;
 * it resends rather than risk losing a guardian's SMS): a vendor honouring `Idempotency-Key`
 * delivers it once, so it is counted and reported (`resentSameKey`), not a duplicate.
 */
export function guardianSms(input: {
  outbox: OutboxRow[];
  notifications: Array<{ guardianId: string; causeId: string; kind: string }>;
  members: ProtectedMember[];
  received: VendorRequest[];
  checkInsMade: number;
}): Verdict {
  const byMember = new Map(input.members.map((m) => [m.id, m]));
  const recorded = new Set(input.notifications.map((n) => `${n.guardianId}|${n.causeId}`));
  const overdue = input.outbox.filter((row) => row.type === 'transaction.check_in_overdue' && byMember.has(String(row.data.userId)));
  const unrecorded = overdue
    .map((row) => ({ member: byMember.get(String(row.data.userId))!, checkInId: String(row.data.checkInId), event: row.id }))
    .filter(({ member, checkInId }) => !recorded.has(`${member.guardianId}|checkin:${checkInId}`));

  const problems: unknown[] = [];
  let expected = 0;
  let accepted = 0;
  let duplicates = 0;
  let resentSameKey = 0;
  for (const member of input.members) {
    const rows = input.notifications.filter((n) => n.guardianId === member.guardianId);
    const alerts = input.received.filter((m) => m.status === 200 && m.to === member.guardianPhone && m.text.startsWith(GUARDIAN_ALERT_OPENING));
    expected += rows.length;
    accepted += alerts.length;
    // With an idempotency key each message is one key: delivered = distinct keys, a second key for one
    // record is a duplicate. Without keys, two causes may read the same (same place, same minute), so
    // only the count can tell: more accepted than recorded is a duplicate, fewer a loss.
    const keys = alerts.map((m) => m.key).filter((k): k is string => k !== null);
    const keyed = keys.length === alerts.length;
    const delivered = keyed ? new Set(keys).size : alerts.length;
    const repeated = Math.max(0, delivered - rows.length);
    duplicates += repeated;
    resentSameKey += keyed ? keys.length - delivered : 0;
    if (rows.length !== delivered || repeated > 0) {
      problems.push({ guardian: member.guardianId, phone: member.guardianPhone, records: rows.map((r) => r.causeId), accepted: alerts.length, duplicates: repeated, attempts: input.received.filter((m) => m.to === member.guardianPhone && m.text.startsWith(GUARDIAN_ALERT_OPENING)).map((m) => `${new Date(m.at).toISOString()} ${m.status}${m.key ? ` key ${m.key}` : ''}`) });
    }
  }
  const refusedDuringOutage = input.received.filter((m) => m.status === 503 && m.text.startsWith(GUARDIAN_ALERT_OPENING)).length;
  const ok = unrecorded.length === 0 && problems.length === 0 && expected > 0;
  return {
    name: 'every guardian SMS that should be sent was sent exactly once',
    ok,
    summary:
      `${input.checkInsMade} open check-ins by protected members, ${overdue.length} overdue events, ${unrecorded.length} without a notification record; ` +
      `${expected} notification records, ${accepted} alert SMS accepted by the vendor, ${duplicates} duplicates, ${resentSameKey} resent under the same key after a crash, ${refusedDuringOutage} attempts refused during the outage` +
      (expected === 0 ? ' (none produced: the load made no guardian SMS, nothing was proved)' : ''),
    details: { lostCauses: unrecorded.length, deliveryMismatches: problems.length, duplicates, resentSameKey },
    ...(unrecorded.length || problems.length ? { examples: [...unrecorded.slice(0, 5).map((u) => ({ lostCause: `checkin:${u.checkInId}`, member: u.member.id, event: u.event })), ...problems.slice(0, 5)] } : {}),
  };
}

export function ledgerBalanced(ledger: LedgerReading): Verdict {
  const ok = ledger.trialBalance === '0' && ledger.mismatchedCount === 0;
  return {
    name: 'ledger balanced',
    ok,
    summary: `${ledger.payments} payments, ${ledger.postings} postings, trial balance ${ledger.trialBalance}, ${ledger.mismatchedCount} escrow balances not matching their payment's status`,
    ...(ledger.mismatchedCount ? { examples: ledger.mismatched.slice(0, 8) } : {}),
  };
}

export async function deadLetters(redis: { url: string; prefix: string }): Promise<Verdict> {
  const perService: Record<string, number> = {};
  const examples: unknown[] = [];
  for (const service of services()) {
    const letters = new DeadLetters(service, redis);
    try {
      // Failed jobs not yet swept (a consumer killed before its sweep) are dead letters too.
      await letters.collectFailed();
      perService[service] = await letters.count();
      for (const letter of await letters.list({ limit: 50 })) examples.push({ service, type: letter.eventType, reason: letter.reason.slice(0, 300), attempts: letter.attempts, failedAt: letter.failedAt });
    } finally {
      await letters.close();
    }
  }
  const total = Object.values(perService).reduce((a, b) => a + b, 0);
  return {
    name: 'no dead letters',
    ok: total === 0,
    summary: `${total} dead letters (${Object.entries(perService).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'})`,
    ...(total ? { examples: examples.slice(0, 10), details: { perService, letters: examples } } : {}),
  };
}

/** Each consumer queue's jobs not yet done (waiting, also while a breaker pauses the queue; delayed for a retry; active): what may still be processed. */
export async function queueBacklog(redis: { url: string; prefix: string }): Promise<Record<string, Record<string, number>>> {
  const connection = createQueueConnection(redis);
  const backlog: Record<string, Record<string, number>> = {};
  try {
    for (const service of services()) {
      const queue = new Queue(consumerQueueName(service), { connection, prefix: queuePrefix(redis, consumerQueueName(service)) });
      try {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
        const pending = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
        if (Object.keys(pending).length) backlog[service] = pending;
      } finally {
        await queue.close();
      }
    }
  } finally {
    connection.disconnect();
  }
  return backlog;
}

/** The ledger of the database at `databaseUrl`, read (not judged) for the report. */
export async function checkLedger(databaseUrl: string): Promise<LedgerReading> {
  return withPgClient(databaseUrl, readLedger);
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
