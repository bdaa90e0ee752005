// The consumer's batch path (event-batches.ts): events of a type marked inBatches that are in
// flight together share one transaction and one processed_events INSERT; exactly once holds per
// event, and a poisoned event fails alone while the others of its batch are applied. And the
// events a handler does not act on (onlyWhen, event-relevance.ts): recorded without a transaction.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  chainEventHandlers,
  DeadLetters,
  EventConsumer,
  inBatches,
  onlyWhen,
  OutboxRelay,
  recordEvent,
  type EventEnvelope,
  type EventHandlers,
  type EventOutcome,
  type SqlExecutor,
  type TransactionalSqlClient,
} from '../../src/events/index.ts';
import { describeOnEachRedis, waitFor, type Scenario } from './event-bus-fixture.ts';

type Verified = EventEnvelope<'user.verified'>;

/** Records the events in the outbox and enqueues them all (one relay pass) before any consumer runs. */
async function publish(s: Scenario, count: number, methodOf: (i: number) => 'SMS' | 'ID_CARD' = () => 'SMS'): Promise<Verified[]> {
  const events: Verified[] = [];
  for (let i = 0; i < count; i += 1) {
    const data = { userId: randomUUID(), method: methodOf(i), verifiedAt: new Date().toISOString() };
    events.push(await s.db.$transaction((tx) => recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: data.userId, data })));
  }
  const relay = s.track(new OutboxRelay({ prisma: s.db, service: 'user', redis: s.redis, logger: s.logger, retry: { attempts: 1, backoffMs: 10 } }), (r) => r.stop());
  expect(await relay.publishPending()).toBe(count);
  return events;
}

function start(s: Scenario, handlers: EventHandlers<'monitor', SqlExecutor>): EventConsumer<'monitor'> {
  const consumer = s.track(new EventConsumer({ service: 'monitor', prisma: s.db, redis: s.redis, logger: s.logger, handlers, batch: { maxEvents: 10 } }), (c) => c.close());
  consumer.start();
  return consumer;
}

/** Each job's outcome; 'failed' for one that failed for good (the consumer moves those to dead letters). */
async function outcomes(s: Scenario, ids: string[]): Promise<Map<string, EventOutcome | 'failed'>> {
  const queue = s.queue('monitor');
  return waitFor('every job to finish', async () => {
    const found = new Map<string, EventOutcome | 'failed'>();
    for (const id of ids) {
      const job = (await queue.getJob(id)) as Job<unknown, EventOutcome> | undefined;
      if (!job) {
        found.set(id, 'failed'); // failed for good: already moved to dead letters
        continue;
      }
      if (job.finishedOn === undefined) return undefined;
      found.set(id, job.failedReason ? 'failed' : job.returnvalue);
    }
    return found;
  });
}

async function processedIds(s: Scenario): Promise<string[]> {
  const rows = await s.db.$queryRawUnsafe<Array<{ event_id: string }>>("SELECT event_id::text AS event_id FROM processed_events WHERE consumer = 'monitor' ORDER BY event_id");
  return rows.map((row) => row.event_id);
}

describeOnEachRedis((environment) => {
  describe('event batches', () => {
    it('applies N events in batches: N processed rows, each effect once, in one multi-row write per batch', async () => {
      const s = await environment.scenario();
      const events = await publish(s, 24);
      const batches: number[] = [];
      start(s, {
        'user.verified': inBatches<'user.verified', SqlExecutor>({
          batch: async (group, tx) => {
            batches.push(group.length);
            await tx.$executeRawUnsafe(
              "INSERT INTO effects (consumer, event_id, type) SELECT 'monitor', id, 'user.verified' FROM unnest($1::uuid[]) AS t(id)",
              group.map((event) => event.id),
            );
          },
        }),
      });
      const done = await outcomes(s, events.map((event) => event.id));
      expect([...done.values()].every((outcome) => outcome === 'processed')).toBe(true);
      expect(await processedIds(s)).toEqual(events.map((event) => event.id).sort());
      const effects = await s.effects('monitor');
      expect(effects.map((effect) => effect.event_id).sort()).toEqual(events.map((event) => event.id).sort());
      expect(batches.reduce((sum, size) => sum + size, 0)).toBe(24);
      expect(Math.max(...batches)).toBeGreaterThan(1); // they were in flight together: shared transactions
      expect(Math.max(...batches)).toBeLessThanOrEqual(10);
    });

    it('applies an event already processed, or delivered twice in one batch, once', async () => {
      const s = await environment.scenario();
      const events = await publish(s, 6);
      const [done, twice] = [events[0]!, events[1]!];
      await s.db.$executeRawUnsafe("INSERT INTO processed_events (consumer, event_id) VALUES ('monitor', $1::uuid)", done.id);
      // A second delivery of the same event under another job id (the relay never does this; a replay could).
      await s.queue('monitor').add('user.verified', twice, { jobId: `${twice.id}-again` });
      const seen: string[] = [];
      start(s, {
        'user.verified': inBatches<'user.verified', SqlExecutor>(async (event, tx) => {
          seen.push(event.id);
          await tx.$executeRawUnsafe("INSERT INTO effects (consumer, event_id, type) VALUES ('monitor', $1::uuid, $2)", event.id, event.type);
        }),
      });
      const finished = await outcomes(s, [...events.map((event) => event.id), `${twice.id}-again`]);
      expect(finished.get(done.id)).toBe('duplicate');
      expect([finished.get(twice.id), finished.get(`${twice.id}-again`)].sort()).toEqual(['duplicate', 'processed']);
      const effects = (await s.effects('monitor')).map((effect) => effect.event_id);
      expect(effects.filter((id) => id === twice.id)).toHaveLength(1);
      expect(effects).not.toContain(done.id);
      expect(effects.sort()).toEqual(events.slice(1).map((event) => event.id).sort());
      expect(new Set(seen).size).toBe(seen.length); // no handler ran twice for an event
    });

    it('a poisoned event fails alone: its batch falls back to one by one, the others are applied, it goes to dead letters', async () => {
      const s = await environment.scenario();
      const events = await publish(s, 12);
      const poisoned = events[5]!;
      const batchSizes: number[] = [];
      // Two tables chained, both batchable: the chain stays batchable (chain-handlers.ts).
      const handlers = chainEventHandlers<'monitor', SqlExecutor>(
        {
          'user.verified': inBatches<'user.verified', SqlExecutor>({
            batch: async (group, tx) => {
              batchSizes.push(group.length);
              for (const event of group) await tx.$executeRawUnsafe("INSERT INTO effects (consumer, event_id, type) VALUES ('monitor', $1::uuid, 'first')", event.id);
            },
          }),
        },
        {
          'user.verified': inBatches<'user.verified', SqlExecutor>(async (event, tx) => {
            if (event.id === poisoned.id) throw new Error('this event breaks the handler');
            await tx.$executeRawUnsafe("INSERT INTO effects (consumer, event_id, type) VALUES ('monitor', $1::uuid, 'second')", event.id);
          }),
        },
      );
      start(s, handlers);
      const finished = await outcomes(s, events.map((event) => event.id));
      expect(finished.get(poisoned.id)).toBe('failed');
      for (const event of events) if (event !== poisoned) expect(finished.get(event.id)).toBe('processed');
      const others = events.filter((event) => event !== poisoned).map((event) => event.id).sort();
      expect(await processedIds(s)).toEqual(others);
      const effects = await s.effects('monitor');
      // Nothing half-written: the poisoned event's first handler rolled back with its second.
      expect(effects.filter((effect) => effect.type === 'first').map((effect) => effect.event_id).sort()).toEqual(others);
      expect(effects.filter((effect) => effect.type === 'second').map((effect) => effect.event_id).sort()).toEqual(others);
      expect(Math.max(...batchSizes)).toBeGreaterThan(1); // a real batch failed and fell back
      const deadLetters = s.track(new DeadLetters('monitor', s.redis), (d) => d.close());
      const letters = await waitFor('the dead letter', async () => {
        const list = await deadLetters.list({ limit: 10 });
        return list.length > 0 ? list : undefined;
      });
      expect(letters.map((letter) => letter.id)).toEqual([poisoned.id]);
    });
  });

  describe('events a handler does not act on (onlyWhen)', () => {
    it('records them as seen in one statement without a transaction; the others are handled as before, each once', async () => {
      const s = await environment.scenario();
      const events = await publish(s, 8, (i) => (i % 2 === 0 ? 'SMS' : 'ID_CARD'));
      const relevant = events.filter((event) => event.data.method === 'SMS');
      // The consumer's client, counting the transactions it opens.
      let transactions = 0;
      const counted: TransactionalSqlClient = {
        $executeRawUnsafe: (query, ...values) => s.db.$executeRawUnsafe(query, ...values),
        $queryRawUnsafe: (query, ...values) => s.db.$queryRawUnsafe(query, ...values),
        $transaction: (fn) => {
          transactions += 1;
          return s.db.$transaction(fn);
        },
      };
      const handled: string[] = [];
      const consumer = s.track(
        new EventConsumer<'monitor'>({
          service: 'monitor',
          prisma: counted,
          redis: s.redis,
          logger: s.logger,
          handlers: {
            'user.verified': onlyWhen<'user.verified', SqlExecutor>((event) => event.data.method === 'SMS', async (event, tx) => {
              handled.push(event.id);
              await tx.$executeRawUnsafe("INSERT INTO effects (consumer, event_id, type) VALUES ('monitor', $1::uuid, $2)", event.id, event.type);
            }),
          },
        }),
        (c) => c.close(),
      );
      consumer.start();
      const finished = await outcomes(s, events.map((event) => event.id));
      for (const event of events) expect(finished.get(event.id)).toBe(event.data.method === 'SMS' ? 'processed' : 'ignored');
      expect(handled.sort()).toEqual(relevant.map((event) => event.id).sort());
      expect(transactions).toBe(relevant.length);
      // Every event is recorded, so a second delivery of a passed-over one is a duplicate, with no transaction either.
      expect(await processedIds(s)).toEqual(events.map((event) => event.id).sort());
      const passedOver = events.find((event) => event.data.method === 'ID_CARD')!;
      await s.queue('monitor').add('user.verified', passedOver, { jobId: `${passedOver.id}-again` });
      expect((await outcomes(s, [`${passedOver.id}-again`])).get(`${passedOver.id}-again`)).toBe('duplicate');
      expect(transactions).toBe(relevant.length);
      expect((await s.effects('monitor')).map((effect) => effect.event_id).sort()).toEqual(relevant.map((event) => event.id).sort());
    });

    it('a chain of handlers that all say which events they act on passes over what none of them acts on; called directly, a handler still skips those', async () => {
      const s = await environment.scenario();
      const events = await publish(s, 3, (i) => (i === 0 ? 'SMS' : 'ID_CARD'));
      const effect = (type: string) => async (event: Verified, tx: SqlExecutor) =>
        void (await tx.$executeRawUnsafe("INSERT INTO effects (consumer, event_id, type) VALUES ('monitor', $1::uuid, $2)", event.id, type));
      const handlers = chainEventHandlers<'monitor', SqlExecutor>(
        { 'user.verified': onlyWhen<'user.verified', SqlExecutor>((event) => event.data.method === 'SMS', effect('sms')) },
        { 'user.verified': onlyWhen<'user.verified', SqlExecutor>((event) => event.data.userId === events[1]!.data.userId, effect('second')) },
      );
      start(s, handlers);
      const finished = await outcomes(s, events.map((event) => event.id));
      expect(events.map((event) => finished.get(event.id))).toEqual(['processed', 'processed', 'ignored']);
      // Each handler of the chain ran only on its own events.
      const effects = await s.effects('monitor');
      expect(effects.map((e) => `${e.type}:${e.event_id}`).sort()).toEqual([`sms:${events[0]!.id}`, `second:${events[1]!.id}`].sort());
    });
  });
});
