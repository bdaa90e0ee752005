import { randomBytes } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { defineJob, type DefinedJob, type JobSchedule } from '../../src/kit/define-job.ts';
import type { RedisSettings } from '../../src/redis.ts';
import '../../../../test/support/provided-context.ts';
import { waitFor } from '../../../../test/support/wait-for.ts';

const logger = pino({ level: 'silent' });
const leftovers: Array<DefinedJob<z.ZodType, unknown>> = [];
afterEach(async () => {
  for (const job of leftovers.splice(0).reverse()) await job.close();
});

/** A fresh Redis namespace per test, under the run's prefix (cleaned by the global setup). */
function redis(): RedisSettings {
  return { url: inject('redisUrl'), prefix: `${inject('redisPrefix')}_job_${randomBytes(4).toString('hex')}` };
}

const schema = z.object({ orderId: z.uuid() });
const id = 'a1b2c3d4-0000-4000-8000-000000000001';

function orderJob(handled: string[], extra: { redis?: RedisSettings; schedule?: JobSchedule } = {}) {
  const job = defineJob({
    name: 'test.orders',
    jobName: 'ship',
    schema,
    handler: async ({ orderId }) => {
      handled.push(orderId);
      return orderId;
    },
    redis: redis(),
    logger,
    ...extra,
  });
  leftovers.push(job as DefinedJob<z.ZodType, unknown>);
  return job;
}

describe('defineJob', () => {
  it('runs an added job through the worker with its parsed payload', async () => {
    const handled: string[] = [];
    const job = orderJob(handled);
    await expect(job.waitUntilReady()).rejects.toThrow(/start the job/);
    await job.start();
    await job.waitUntilReady();
    await job.add({ orderId: id }, { jobId: 'one' });
    await waitFor('the job to run', () => handled.length === 1);
    expect(handled).toEqual([id]);
    expect(await (await job.queue.getJob('one'))?.getState()).toBe('completed');
  });

  it('refuses a bad payload: at add time, and in the worker as UnrecoverableError (never retried)', async () => {
    const handled: string[] = [];
    const job = orderJob(handled);
    await expect(job.add({ orderId: 'nope' } as never)).rejects.toThrow(/invalid test\.orders job/);
    await expect(job.run({ orderId: 'nope' })).rejects.toBeInstanceOf(UnrecoverableError);

    await job.start();
    await job.queue.add('ship', { orderId: 'nope' }, { jobId: 'bad', attempts: 5 });
    await waitFor('the bad job to fail', async () => (await job.queue.getJobState('bad')) === 'failed');
    // Read the job after it failed: a copy fetched before the state check may predate the failure.
    const failed = await job.queue.getJob('bad');
    expect(failed!.attemptsMade).toBe(1);
    expect(handled).toEqual([]);
  });

  it('registers its schedule once however often it starts, and closes cleanly', async () => {
    const handled: string[] = [];
    const settings = redis();
    const schedule = { id: 'orders-sweep', repeat: { every: 60 * 60_000 }, data: { orderId: id } };
    const first = orderJob(handled, { redis: settings, schedule });
    const second = orderJob(handled, { redis: settings, schedule });
    await first.start();
    await first.start(); // a second call does nothing
    await second.start();
    const schedulers = await first.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([['orders-sweep', 60 * 60_000]]);
    await waitFor('the first scheduled run', () => handled.length >= 1);
    expect(handled[0]).toBe(id);

    // Switched off by configuration: the next start removes it.
    const off = orderJob(handled, { redis: settings, schedule: { ...schedule, enabled: false } });
    await off.start();
    expect(await off.queue.getJobSchedulers()).toEqual([]);
  });
});
