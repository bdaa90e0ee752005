// The queue, dead-letter, breaker and outbox metrics every consuming process serves, scraped from the
// real processes' /metrics: the user service (its event queue, its job queues, its outbox) and the
// safety worker (its event queue and jobs; the shared gauges replaced its own).
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerQueueName, createQueueConnection, queuePrefix } from '@anshim/platform';
import { startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let connection: ReturnType<typeof createQueueConnection>;
const queues: Queue[] = [];
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user'], workers: ['safety'], env: { SAFETY_NIGHTLY_ENABLED: 'false' }, startTimeoutMs: 90_000 });
  connection = createQueueConnection({ url: stack.env.REDIS_URL!, prefix: stack.env.REDIS_PREFIX! });
}, 240_000);
afterAll(async () => {
  await Promise.allSettled(queues.map((q) => q.close()));
  connection?.disconnect();
  await stack?.stop();
});

function queue(name: string): Queue {
  const created = new Queue(name, { connection, prefix: queuePrefix({ url: stack.env.REDIS_URL!, prefix: stack.env.REDIS_PREFIX! }, name) });
  queues.push(created);
  return created;
}

/** One sample of `name` whose labels include `labels`, from a scrape; undefined when absent. */
function sample(scrape: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const scrape = async (origin: string) => (await fetch(`${origin}/metrics`)).text();

describe('queue metrics on /metrics', () => {
  it('the user service reports its event queue, job queues, dead letters by type, breaker and outbox', async () => {
    const userOps = stack.operationsUrls.user!;
    // A poison event in user's queue: a dead letter at once, counted by type.
    await queue(consumerQueueName('user')).add('report.processed', { nonsense: true }, { jobId: randomUUID() });
    // A job waiting on a paused job queue: counted as waiting and paused, with its age.
    const sweep = queue('user.upload-sweep');
    await sweep.pause();
    await sweep.add('sweep', {}, { jobId: `waiting-${randomUUID()}` });

    const metrics = await waitFor('the dead letter and the waiting job on /metrics', async () => {
      const text = await scrape(userOps);
      return sample(text, 'anshim_dead_letters', { consumer: 'user', type: 'report.processed' }) === 1 && (sample(text, 'anshim_queue_oldest_job_age_seconds', { queue: 'user.upload-sweep' }) ?? 0) > 0 ? text : undefined;
    }, { timeoutMs: 20_000 });
    expect(sample(metrics, 'anshim_queue_jobs', { service: 'user', queue: 'events.user', state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'anshim_queue_jobs', { queue: 'user.upload-sweep', state: 'waiting' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'anshim_queue_jobs', { queue: 'user.upload-sweep', state: 'paused' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'anshim_queue_jobs', { queue: 'user.id-card-purge', state: 'failed' })).toBe(0);
    expect(sample(metrics, 'anshim_consumer_breaker_open', { queue: 'events.user' })).toBe(0);
    expect(sample(metrics, 'anshim_consumer_breaker_open', { queue: 'user.upload-sweep' })).toBe(0);
    expect(sample(metrics, 'anshim_queue_oldest_job_age_seconds', { queue: 'events.user' })).toBeGreaterThanOrEqual(0);
    expect(metrics).toMatch(/^anshim_outbox_unsent_rows\{service="user"\} \d+$/m);
    expect(metrics).toMatch(/^anshim_outbox_oldest_unsent_age_seconds\{service="user"\} [\d.e+-]+$/m);
    expect(metrics).toContain('# TYPE anshim_event_retries_total counter');
    await sweep.resume();
  });

  it('the safety worker reports its event queue and job queues through the same gauges', async () => {
    const worker = stack.processes.find((p) => p.name === 'safety-worker')!;
    await queue(consumerQueueName('safety')).add('user.verified', { nonsense: true }, { jobId: randomUUID() });
    const metrics = await waitFor('the safety dead letter on /metrics', async () => {
      const text = await scrape(`http://127.0.0.1:${worker.port}`);
      return sample(text, 'anshim_dead_letters', { consumer: 'safety', type: 'user.verified' }) === 1 ? text : undefined;
    }, { timeoutMs: 20_000 });
    expect(sample(metrics, 'anshim_queue_jobs', { service: 'safety-worker', queue: 'events.safety', state: 'failed' })).toBe(0);
    expect(sample(metrics, 'anshim_queue_jobs', { queue: 'safety.recalculate-user', state: 'active' })).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'anshim_consumer_breaker_open', { queue: 'events.safety' })).toBe(0);
    expect(metrics).toMatch(/^anshim_outbox_unsent_rows\{service="safety-worker"\} \d+$/m);
  });
});
