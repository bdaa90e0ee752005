// `npm run dead-letters` end to end: dead letters in two services' event queues and a failed job in a
// job queue, listed, filtered, shown, replayed and dropped through the real script process, with
// the audit trail in Redis. Real PostgreSQL, Redis and BullMQ workers.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventConsumer, OutboxRelay, recordEvent, type EventEnvelope, type SqlExecutor } from '../../src/events/index.ts';
import type { DeskLetter } from '../../src/events/dead-letter-desk.ts';
import { defineJob } from '../../src/kit/define-job.ts';
import { runCli } from '../../../../test/faults/support/cli.ts';
import { describeOnEachRedis, waitFor, type Scenario } from './event-bus-fixture.ts';


/** What `list` prints per letter (JSON lines): the desk's letter without its payload. */
type Listed = Pick<DeskLetter, 'service' | 'queue' | 'kind' | 'id' | 'type' | 'eventId' | 'reason'>;

async function cli(s: Scenario, ...args: string[]) {
  return runCli('scripts/dead-letters.ts', args, { REDIS_URL: s.redis.url, REDIS_PREFIX: s.redis.prefix });
}

const jsonLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

async function list(s: Scenario, ...args: string[]): Promise<Listed[]> {
  const result = await cli(s, 'list', ...args);
  expect(result.code, result.stderr).toBe(0);
  return jsonLines(result.stdout) as unknown as Listed[];
}

describeOnEachRedis((environment) => {
  describe('npm run dead-letters', () => {
    it('lists, filters, shows, replays and drops the dead letters of every service and job queue, auditing each change', async () => {
      const s = await environment.scenario();
      let fixed = false;
      const applied: string[] = [];
      const handler = (service: string) => async (event: EventEnvelope, tx: SqlExecutor) => {
        if (!fixed) throw new Error(`${service} cannot apply it yet`);
        await tx.$executeRawUnsafe('INSERT INTO effects (consumer, event_id, type) VALUES ($1, $2::uuid, $3)', service, event.id, event.type);
        applied.push(service);
      };
      for (const service of ['safety', 'monitor'] as const) {
        s.track(new EventConsumer({ service, prisma: s.db, redis: s.redis, logger: s.logger, handlers: { 'user.verified': handler(service) } }), (c) => c.close()).start();
      }
      const jobRuns: string[] = [];
      const sanctionEnd = defineJob({
        name: 'report.sanction-end',
        jobName: 'end',
        schema: z.object({ sanctionId: z.uuid() }),
        handler: async ({ sanctionId }) => {
          if (!fixed) throw new UnrecoverableError('the sanction row is locked by a migration');
          jobRuns.push(sanctionId);
        },
        redis: s.redis,
        logger: s.logger,
      });
      s.track(sanctionEnd, (j) => j.close());
      await sanctionEnd.start();

      // One event both services fail on (attempts: 1, so at once), and a failed job.
      const userId = randomUUID();
      const event = await s.db.$transaction((tx) => recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: userId, data: { userId, method: 'SMS', verifiedAt: new Date().toISOString() } }));
      const relay = s.track(new OutboxRelay({ prisma: s.db, service: 'user', redis: s.redis, logger: s.logger, pollIntervalMs: 60_000, retry: { attempts: 1 } }), (r) => r.stop());
      await relay.publishPending();
      const sanctionId = randomUUID();
      await sanctionEnd.add({ sanctionId }, { jobId: `sanction-${sanctionId}` });
      await waitFor('the job to fail', async () => (await sanctionEnd.queue.getFailedCount()) === 1);

      const all = await waitFor('three dead letters', async () => {
        const letters = await list(s);
        return letters.length === 3 ? letters : undefined;
      }, { timeoutMs: 20_000 });
      expect(all.map((l) => `${l.queue} ${l.kind} ${l.type}`).sort()).toEqual(['events.monitor event user.verified', 'events.safety event user.verified', 'report.sanction-end job end']);
      expect(all.find((l) => l.service === 'safety')).toMatchObject({ id: event.id, eventId: event.id, reason: 'safety cannot apply it yet' });
      expect(all.find((l) => l.kind === 'job')).toMatchObject({ id: `sanction-${sanctionId}`, service: 'report', reason: 'the sanction row is locked by a migration' });
      expect(await list(s, '--service', 'monitor')).toHaveLength(1);
      expect(await list(s, '--type', 'end')).toHaveLength(1);
      expect(await list(s, '--service', 'user')).toHaveLength(0);

      // The same event id in two services: an id alone is ambiguous.
      const ambiguous = await cli(s, 'show', event.id);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toMatch(/events\.safety.*events\.monitor|events\.monitor.*events\.safety/);
      const shown = await cli(s, 'show', event.id, '--service', 'safety');
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ service: 'safety', payload: { id: event.id, type: 'user.verified', data: { userId } } });

      fixed = true;
      const replayed = await cli(s, 'replay', event.id, '--service', 'safety', '--by', 'oncall-kim');
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(jsonLines(replayed.stdout)[0]).toMatchObject({ audit: { action: 'replay', who: 'oncall-kim', service: 'safety', id: event.id, type: 'user.verified', eventId: event.id } });
      await waitFor('the replayed event applied by safety', () => applied.includes('safety'));

      const dropped = await cli(s, 'drop', event.id, '--service', 'monitor');
      expect(dropped.code, dropped.stderr).toBe(0);
      expect(dropped.stdout).toContain(`dropped ${event.id}`);
      const again = await cli(s, 'drop', event.id, '--service', 'monitor');
      expect(again.code).toBe(1);

      const replayedAll = await cli(s, 'replay', '--all', '--service', 'report');
      expect(replayedAll.code, replayedAll.stderr).toBe(0);
      expect(replayedAll.stdout).toContain('replayed 1 dead letter(s)');
      await waitFor('the replayed job to run', () => jobRuns.includes(sanctionId));

      expect(await list(s)).toHaveLength(0);
      expect(applied).toEqual(['safety']); // monitor's letter was dropped, never applied
      const auditTrail = await cli(s, 'list', '--audit');
      expect(auditTrail.code, auditTrail.stderr).toBe(0);
      const audit = jsonLines(auditTrail.stdout);
      expect(audit.map((a) => `${String(a.action)} ${String(a.service)} ${String(a.who)}`)).toEqual([
        `replay report ${userInfo().username}`,
        `drop monitor ${userInfo().username}`,
        'replay safety oncall-kim',
      ]);
      expect(audit[0]).toMatchObject({ id: `sanction-${sanctionId}`, type: 'end', payload: { sanctionId } });
      expect(Date.parse(String(audit[2]!.when))).not.toBeNaN();
    }, 180_000); // a dozen script processes, each loading TypeScript
  });
});
