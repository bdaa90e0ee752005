// BullMQ's Worker.close() waits for the worker's blocking Redis command to return. While Redis is
// away, or in the moment after it is back but before the worker's own blocking connection has
// reconnected, that command never returns and close() waits for ever (measured with a Redis behind
// a proxy that was closed: still pending after 20 s, with or without `force`). That is how a user
// service's stop hung for over 60 s in the sign-in-throttle "without Redis" test under load.
// A process told to stop must stop: past the deadline the worker's connections are dropped. Jobs it
// still held are not lost: their lock expires and BullMQ's stalled-job check hands them to another
// worker (every handler is idempotent: consumers record processed events, jobs re-check state).
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/** Long enough for a job in progress to finish; well inside Kubernetes' 30 s grace period. */
export const WORKER_CLOSE_DEADLINE_MS = 8_000;

/** Closes a worker gracefully, or after `deadlineMs` drops its connections and stops waiting. */
export async function closeWorkerWithin(
  worker: Pick<Worker, 'close'>,
  connections: Array<Pick<Redis, 'disconnect'> | undefined>,
  logger: Logger,
  deadlineMs = WORKER_CLOSE_DEADLINE_MS,
): Promise<'drained' | 'dropped'> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close().then(
    () => 'drained' as const,
    (error: unknown) => {
      logger.warn({ err: error }, 'worker close failed; dropping its connections');
      return 'dropped' as const;
    },
  );
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
    timer.unref();
  });
  const outcome = await Promise.race([graceful, deadline]);
  clearTimeout(timer);
  if (outcome === 'drained') return outcome;
  if (outcome === 'deadline') logger.warn({ deadlineMs }, 'worker did not close in time (Redis unreachable?); dropping its connections');
  for (const connection of connections) connection?.disconnect();
  return 'dropped';
}
