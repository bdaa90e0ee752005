import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  DeadLetters,
  EventConsumer,
  InvalidEventError,
  OutboxRelay,
  recordEvent,
  type EventConsumerOptions,
  type EventEnvelope,
  type EventOutcome,
  type OutboxRelayOptions,
  type SqlExecutor,
} from '../../src/events/index.ts';
import { consumersOf, type SubgraphName } from '@anshim/contracts';
import { deferred, describeOnEachRedis, recordingLogger, waitFor, type Scenario } from './event-bus-fixture.ts';


/** A handler whose effect is a row written in the consumer's transaction. */
function applyEffect(consumer: SubgraphName) {
  return async (event: EventEnvelope, tx: SqlExecutor): Promise<void> => {
    await tx.$executeRawUnsafe('INSERT INTO effects (consumer, event_id, type) VALUES ($1, $2::uuid, $3)', consumer, event.id, event.type);
  };
}

function startRelay(s: Scenario, options: Partial<OutboxRelayOptions> = {}, start = true): OutboxRelay {
  const relay = new OutboxRelay({ prisma: s.db, service: 'user', redis: s.redis, logger: s.logger, pollIntervalMs: 60_000, ...options });
  if (start) relay.start();
  return s.track(relay, (r) => r.stop());
}

function consumer<S extends SubgraphName>(
  s: Scenario,
  service: S,
  handlers: EventConsumerOptions<S, SqlExecutor>['handlers'],
  options: Partial<EventConsumerOptions<S, SqlExecutor>> = {},
): EventConsumer<S> {
  const created = new EventConsumer({ service, prisma: s.db, redis: s.redis, logger: s.logger, handlers, ...options });
  return s.track(created, (c) => c.close());
}

function deadLettersOf(s: Scenario, service: SubgraphName): DeadLetters {
  return s.track(new DeadLetters(service, s.redis), (d) => d.close());
}

const verifiedData = (userId = randomUUID()) => ({ userId, method: 'SMS' as const, verifiedAt: new Date().toISOString() });

async function recordVerified(s: Scenario) {
  const data = verifiedData();
  return s.db.$transaction((tx) => recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: data.userId, data }));
}

async function finishedJob(s: Scenario, service: SubgraphName, jobId: string): Promise<Job<unknown, EventOutcome>> {
  const queue = s.queue(service);
  return waitFor(`job ${jobId} in events.${service} to complete`, async () => {
    const job = await queue.getJob(jobId);
    return job?.finishedOn !== undefined && job.returnvalue !== undefined ? (job as Job<unknown, EventOutcome>) : undefined;
  });
}

describeOnEachRedis((environment, target) => {
  describe('event bus (outbox → BullMQ → consumers)', () => {
    it('delivers a published event exactly once to every subscribed service, and to no one else', async () => {
      const s = await environment.scenario();
      const relay = startRelay(s);
      consumer(s, 'safety', { 'user.verified': applyEffect('safety') }).start();
      consumer(s, 'monitor', { 'user.verified': applyEffect('monitor') }).start();

      const event = await recordVerified(s);
      relay.nudge();

      const effects = await waitFor('both consumers to apply the event', async () => {
        const rows = await s.effects();
        return rows.length === 2 ? rows : undefined;
      });
      expect(effects.map((e) => e.consumer).sort()).toEqual(['monitor', 'safety']);
      expect(effects.every((e) => e.event_id === event.id)).toBe(true);
      await waitFor('the row to be marked sent', async () => (await s.unsentCount()) === 0); // after the relay's commit
      // Services that do not handle user.verified get nothing, even transaction, which reads other user.events.
      const consumers = consumersOf('user.verified');
      expect(consumers).not.toContain('transaction');
      for (const service of (['transaction', 'user', 'report'] as const).filter((s) => !consumers.includes(s))) {
        expect(await s.queue(service).getJobCountByTypes('waiting', 'prioritized', 'completed', 'failed')).toBe(0);
      }
    });

    it.runIf(target.cluster)('keeps every key of a queue in one hash slot, and gives each queue a slot of its own', async () => {
      const s = await environment.scenario();
      const relay = startRelay(s);
      consumer(s, 'safety', { 'user.verified': applyEffect('safety') }).start();
      consumer(s, 'monitor', { 'user.verified': applyEffect('monitor') }).start();
      await recordVerified(s);
      relay.nudge();
      await waitFor('both consumers to apply the event', async () => (await s.effects()).length === 2);

      const keys = await s.clusterKeys();
      const slotsOf = (queue: string) => new Set(keys.filter(({ key }) => key.includes(`{${queue}}`)).map(({ slot }) => slot));
      for (const queue of ['events.safety', 'events.monitor']) {
        expect(keys.filter(({ key }) => key.includes(`:${queue}:`)).length, queue).toBeGreaterThan(0);
        expect(slotsOf(queue).size, queue).toBe(1);
      }
      expect([...slotsOf('events.safety')][0]).not.toBe([...slotsOf('events.monitor')][0]);
      // Every queue key carries its queue's tag; the cluster spreads them over more than one master.
      expect(keys.filter(({ key }) => key.includes(':bull:') && !/:bull:\{([\w.]+)\}:\1:/.test(key))).toEqual([]);
      expect(new Set(keys.map(({ node }) => node)).size).toBeGreaterThan(1);
    });

    it('publishes an event written while no relay ran (a crash between commit and publish)', async () => {
      const s = await environment.scenario();
      consumer(s, 'safety', { 'user.verified': applyEffect('safety') }).start();

      const event = await recordVerified(s); // the process "dies" here: no relay ever saw it
      expect(await s.unsentCount()).toBe(1);

      startRelay(s); // the restarted process
      await waitFor('the event to be applied', async () => (await s.effects('safety')).length === 1);
      expect((await s.effects('safety'))[0]!.event_id).toBe(event.id);
      // The relay marks the row sent when its transaction commits, after the queue took the job: a
      // fast consumer (seen on the cluster) can apply the event first.
      await waitFor('the row to be marked sent', async () => (await s.unsentCount()) === 0);
    });

    it('applies an event once when the relay crashed after enqueueing but before marking it sent', async () => {
      const s = await environment.scenario();
      const relay = startRelay(s, {}, false);
      consumer(s, 'safety', { 'user.verified': applyEffect('safety') }).start();
      const event = await recordVerified(s);
      const queue = s.queue('safety');
      const markUnsent = () => s.db.$executeRawUnsafe('UPDATE outbox_events SET published_at = NULL WHERE id = $1::uuid', event.id);

      expect(await relay.publishPending()).toBe(1);
      await finishedJob(s, 'safety', event.id);

      // Crash before the UPDATE: the row is unsent again and the next pass re-enqueues it.
      await markUnsent();
      expect(await relay.publishPending()).toBe(1);
      expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'active', 'completed')).toBe(1); // same job id: ignored

      // Even once BullMQ has cleaned the completed job up, the consumer skips the redelivery.
      await queue.remove(event.id);
      await markUnsent();
      expect(await relay.publishPending()).toBe(1);
      expect((await finishedJob(s, 'safety', event.id)).returnvalue).toBe('duplicate');
      expect(await s.effects('safety')).toHaveLength(1);
    });

    it('skips a duplicate delivery without running the handler again', async () => {
      const s = await environment.scenario();
      let calls = 0;
      const effect = applyEffect('safety');
      consumer(s, 'safety', { 'user.verified': async (event, tx) => { calls++; await effect(event, tx); } }).start();
      const event = await recordVerified(s);
      await startRelay(s, {}, false).publishPending();
      expect((await finishedJob(s, 'safety', event.id)).returnvalue).toBe('processed');

      // A second delivery of the same envelope, as after a stalled job or a replay.
      await s.queue('safety').add(event.type, event, { jobId: `${event.id}.again`, priority: 5 });

      expect((await finishedJob(s, 'safety', `${event.id}.again`)).returnvalue).toBe('duplicate');
      expect(calls).toBe(1);
      expect(await s.effects('safety')).toHaveLength(1);
    });

    it('retries a transient handler failure with exponential backoff, rolling back each failed attempt', async () => {
      const s = await environment.scenario();
      const attemptsAt: number[] = [];
      const effect = applyEffect('safety');
      consumer(s, 'safety', {
        'user.verified': async (event, tx) => {
          attemptsAt.push(Date.now());
          await effect(event, tx); // written, then rolled back by the failures below
          if (attemptsAt.length < 3) throw new Error('database of the score model is restarting');
        },
      }).start();
      const event = await recordVerified(s);
      await startRelay(s, { retry: { attempts: 4, backoffMs: 100 } }, false).publishPending();

      const job = await finishedJob(s, 'safety', event.id);
      expect(job.returnvalue).toBe('processed');
      expect(job.attemptsMade).toBe(3); // BullMQ counts the successful attempt too
      expect(attemptsAt).toHaveLength(3);
      expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(95); // 100 ms
      expect(attemptsAt[2]! - attemptsAt[1]!).toBeGreaterThanOrEqual(195); // then 200 ms
      expect(await s.effects('safety')).toHaveLength(1);
    });

    it('moves an always-failing event to dead letters after the last attempt; a replay after the fix applies it once', async () => {
      const s = await environment.scenario();
      let fixed = false;
      let calls = 0;
      const effect = applyEffect('safety');
      consumer(s, 'safety', {
        'user.verified': async (event, tx) => {
          calls++;
          if (!fixed) throw new Error('score model rejects the verification method');
          await effect(event, tx);
        },
      }).start();
      const deadLetters = deadLettersOf(s, 'safety');
      const event = await recordVerified(s);
      await startRelay(s, { retry: { attempts: 3, backoffMs: 20 } }, false).publishPending();

      const [letter] = await waitFor('the dead letter', async () => {
        const letters = await deadLetters.list({ limit: 10 });
        return letters.length > 0 ? letters : undefined;
      });
      expect(letter).toMatchObject({ id: event.id, eventType: 'user.verified', attempts: 3, reason: 'score model rejects the verification method' });
      expect(letter!.envelope).toEqual(event);
      expect(Date.parse(letter!.failedAt)).not.toBeNaN();
      expect(calls).toBe(3);
      expect(await s.queue('safety').getFailedCount()).toBe(0);

      fixed = true;
      expect(await deadLetters.replay(letter!.id)).toBe(true);
      await waitFor('the replayed event to be applied', async () => (await s.effects('safety')).length === 1);
      expect(await deadLetters.count()).toBe(0);
      expect(await deadLetters.replay(letter!.id)).toBe(false);
      expect(await deadLetters.replayAll()).toBe(0);
      expect(calls).toBe(4);
    });

    it("stops at the consumer's own attempts when they are fewer than the relay granted", async () => {
      const s = await environment.scenario();
      let calls = 0;
      consumer(s, 'safety', { 'user.verified': async () => { calls++; throw new Error('still broken'); } }, { attempts: 2 }).start();
      const deadLetters = deadLettersOf(s, 'safety');
      const event = await recordVerified(s);
      await startRelay(s, { retry: { attempts: 5, backoffMs: 10 } }, false).publishPending();

      const [letter] = await waitFor('the dead letter', async () => {
        const letters = await deadLetters.list();
        return letters.length > 0 ? letters : undefined;
      });
      expect(letter).toMatchObject({ id: event.id, attempts: 2, reason: 'still broken (gave up after 2 attempts)' });
      expect(calls).toBe(2);
    });

    it('sends a poison event to dead letters at once, with the validation message as the reason', async () => {
      const s = await environment.scenario();
      let calls = 0;
      consumer(s, 'safety', { 'user.verified': async () => { calls++; } }).start();
      const deadLetters = deadLettersOf(s, 'safety');
      const queue = s.queue('safety');
      const options = { attempts: 5, backoff: { type: 'exponential', delay: 10 }, priority: 5, removeOnFail: false };

      // A producer that bypassed recordEvent (or runs an older catalogue) and a corrupt envelope.
      const poison = { ...(await recordVerified(s)), id: randomUUID(), data: { ...verifiedData(), method: 'CARRIER_PIGEON' } };
      await queue.add('user.verified', poison, { ...options, jobId: poison.id });
      await queue.add('user.verified', { type: 'user.verified', data: {} }, { ...options, jobId: 'no-envelope' });

      const letters = await waitFor('both dead letters', async () => {
        const list = await deadLetters.list();
        return list.length === 2 ? list : undefined;
      });
      const byId = new Map(letters.map((l) => [l.id, l]));
      expect(byId.get(poison.id)).toMatchObject({ attempts: 1, envelope: poison });
      expect(byId.get(poison.id)!.reason).toMatch(/^invalid user\.verified data: .*method/s);
      expect(byId.get('no-envelope')).toMatchObject({ attempts: 1 });
      expect(byId.get('no-envelope')!.reason).toMatch(/^invalid envelope: .*id/s);
      expect(calls).toBe(0);
    });

    it('runs higher-priority events first', async () => {
      const s = await environment.scenario();
      const userId = randomUUID();
      const order: string[] = [];
      const record = async (event: EventEnvelope) => {
        order.push(event.type);
      };
      const safety = consumer(s, 'safety', { 'user.profile_updated': record, 'user.registered': record, 'user.status_changed': record }, { concurrency: 1 });

      // Enqueued while the worker is not running, lowest priority first.
      await s.db.$transaction(async (tx) => {
        await recordEvent(tx, { type: 'user.profile_updated', producer: 'user', subjectUserId: userId, data: { userId, fields: ['bio'], profileCompleteness: 40, protectedMode: false } });
        await recordEvent(tx, { type: 'user.registered', producer: 'user', subjectUserId: userId, data: { userId, nickname: '당근러', createdAt: new Date().toISOString() } });
        await recordEvent(tx, { type: 'user.status_changed', producer: 'user', subjectUserId: userId, data: { userId, status: 'SUSPENDED', until: null } });
      });
      expect(await startRelay(s, {}, false).publishPending()).toBe(3);

      safety.start();
      await waitFor('all three events', () => order.length === 3);
      expect(order).toEqual(['user.status_changed', 'user.registered', 'user.profile_updated']);
    });

    it('publishes nothing when the producer transaction rolls back, and refuses invalid data', async () => {
      const s = await environment.scenario();
      const data = verifiedData();
      await expect(
        s.db.$transaction(async (tx) => {
          await recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: data.userId, data });
          throw new Error('the verification code had expired');
        }),
      ).rejects.toThrow('expired');
      await expect(
        s.db.$transaction((tx) =>
          recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: null, data: { ...data, method: 'FAX' as 'SMS' } }),
        ),
      ).rejects.toBeInstanceOf(InvalidEventError);

      expect(await s.db.$queryRawUnsafe('SELECT * FROM outbox_events')).toEqual([]);
      expect(await startRelay(s, {}, false).publishPending()).toBe(0);
      expect(await s.queue('safety').count()).toBe(0);
    });

    it('keeps rows unsent while Redis is unreachable, without crashing, and publishes them later', async () => {
      const s = await environment.scenario();
      const { logger, lines } = recordingLogger();
      const unreachable = { ...s.redis, url: 'redis://127.0.0.1:1' };
      const downRelay = startRelay(s, { redis: unreachable, logger, publishTimeoutMs: 200 }, false);
      await recordVerified(s);

      expect(await downRelay.publishPending()).toBe(0);
      expect(await s.unsentCount()).toBe(1);
      expect(lines.some((line) => line.level === 40 && line.msg === 'could not publish event; will retry')).toBe(true);

      // The polling loop survives the outage and still stops promptly.
      lines.length = 0;
      downRelay.start();
      await waitFor('a failed pass of the running relay', () => lines.some((line) => line.msg === 'could not publish event; will retry'));
      await downRelay.stop();
      expect(await s.unsentCount()).toBe(1);

      expect(await startRelay(s, {}, false).publishPending()).toBe(1);
      expect(await s.unsentCount()).toBe(0);
    });

    it('acknowledges events it has no handler for', async () => {
      const s = await environment.scenario();
      consumer(s, 'monitor', {}).start();
      const event = await recordVerified(s);
      await startRelay(s, {}, false).publishPending();
      expect((await finishedJob(s, 'monitor', event.id)).returnvalue).toBe('ignored');
    });

    it('lets the job in progress finish before close() resolves', async () => {
      const s = await environment.scenario();
      const started = deferred();
      const release = deferred();
      const log: string[] = [];
      const safety = new EventConsumer({
        service: 'safety',
        prisma: s.db,
        redis: s.redis,
        logger: s.logger,
        handlers: {
          'user.verified': async () => {
            started.resolve();
            await release.promise;
            log.push('handler finished');
          },
        },
      });
      safety.start();
      const event = await recordVerified(s);
      await startRelay(s, {}, false).publishPending();
      await started.promise;

      const closing = safety.close().then(() => log.push('closed'));
      setTimeout(release.resolve, 200); // hold the handler while close() is under way
      await closing;
      expect(log).toEqual(['handler finished', 'closed']);
      expect(await (await s.queue('safety').getJob(event.id))!.getState()).toBe('completed');
    });
  });
});
