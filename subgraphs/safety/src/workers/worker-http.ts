// The worker process' operational endpoints: /healthz, /readyz (PostgreSQL, Redis) and /metrics
// (event latency and outcomes by type; the shared queue, breaker, dead-letter and outbox metrics every
// consuming process reports), on SAFETY_WORKER_HOST:SAFETY_WORKER_PORT.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Counter, Histogram } from 'prom-client';
import { createMetrics, installOutboxMetrics, installQueueMetrics, mountOperationalRoutes, type EventHandlers, type SqlExecutor } from '@anshim/platform';
import type { RecalculationTiming } from '../inbound/event-handlers.ts';
import type { SafetyCore } from '../safety-core.ts';

export function createWorkerMetrics(core: SafetyCore) {
  const metrics = createMetrics('safety-worker');
  const eventDuration = new Histogram({
    name: 'anshim_event_handling_duration_seconds',
    help: 'Time to apply one event and recalculate the affected scores (inside the transaction)',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
  const recalculations = new Counter({
    name: 'anshim_safety_recalculations_total',
    help: 'Scores recalculated, by cause',
    labelNames: ['cause'] as const,
    registers: [metrics.registry],
  });
  // The event queue and the job queues this process consumes, their dead letters and breakers, and its outbox.
  installQueueMetrics(metrics.registry);
  installOutboxMetrics(metrics.registry, core.sql);
  const recalculationSeconds = new Histogram({
    name: 'anshim_safety_recalculation_seconds',
    help: 'Time to recalculate the scores one event affects (inside its transaction), observed once it committed',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
  const recalculationLag = new Histogram({
    name: 'anshim_safety_recalculation_lag_seconds',
    help: 'From the event\'s occurredAt to its recalculated score committed (outbox, queue, handling)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [metrics.registry],
  });

  /** Times every handler; an error is counted and rethrown for the consumer's retry policy. */
  function instrument(handlers: EventHandlers<'safety', SqlExecutor>): EventHandlers<'safety', SqlExecutor> {
    const wrapped: Record<string, unknown> = {};
    for (const [type, handler] of Object.entries(handlers) as Array<[string, (event: never, tx: SqlExecutor) => Promise<void>]>) {
      wrapped[type] = async (event: never, tx: SqlExecutor) => {
        const end = eventDuration.startTimer({ type });
        try {
          await handler(event, tx);
          end({ outcome: 'ok' });
        } catch (error) {
          end({ outcome: 'error' });
          throw error;
        }
      };
    }
    return wrapped as EventHandlers<'safety', SqlExecutor>;
  }

  return {
    metrics,
    instrument,
    recalculated: (cause: string, count: number) => recalculations.inc({ cause }, count),
    /** A committed recalculation of one event: its duration and the lag from the event to now. */
    recalculationCommitted(timing: RecalculationTiming, now = Date.now()) {
      recalculationSeconds.observe(timing.seconds);
      recalculationLag.observe(Math.max(0, now - timing.occurredAt.getTime()) / 1_000);
    },
    async close() {},
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Starts the endpoints; port 0 picks a free port. Returns the port and a stop function. */
export async function startWorkerHttp(core: SafetyCore, workerMetrics: WorkerMetrics, port: number, host = '127.0.0.1'): Promise<{ port: number; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  mountOperationalRoutes(app, {
    registry: workerMetrics.metrics.registry,
    checks: [
      { name: 'postgres', check: () => core.sql.$queryRawUnsafe('SELECT 1') },
      { name: 'redis', check: () => core.redis.ping() },
    ],
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
