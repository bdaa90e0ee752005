// A circuit breaker per consuming queue. A handler that fails because a dependency is down (it threw
// DependencyUnavailableError, or PostgreSQL is unreachable) did nothing wrong with the job: spending
// one of its tries would turn a long outage into dead letters. Instead the job goes back to waiting
// untouched and the whole queue pauses (BullMQ's manual rate limit, shared by every replica through
// Redis). After a few such failures in a row the breaker is open and the pause grows, 1 s → 30 s
// with jitter; the first job after a pause is the trial, and a success closes the breaker. Nobody
// has to resume anything by hand.
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { isDependencyUnavailable } from '../resilience.ts';

export interface BreakerSettings {
  /** Consecutive dependency failures after which the breaker counts as open (logged, metric 1). Default 3. */
  openAfter: number;
  /** The queue's pause after a dependency failure; doubles while open. Default 1000. */
  firstPauseMs: number;
  /** Longest pause. Default 30000. */
  maxPauseMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { openAfter: 3, firstPauseMs: 1_000, maxPauseMs: 30_000 };

/** Prisma: can't reach the server, server closed the connection, pool timed out. */
const PRISMA_OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** Prisma's driver adapter (adapter-pg) error kinds that mean the server is away or overloaded. */
const ADAPTER_OUTAGE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
const SOCKET_OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);
const OUTAGE_MESSAGE = /terminating connection|Connection terminated|Can't reach database server|server closed the connection|connection timeout|the database system is (starting up|shutting down)/i;

/** True for errors that mean "a dependency is down", not "this job is wrong". Follows `cause` chains. */
export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  if (isDependencyUnavailable(error)) return true;
  const { code, kind, message, cause, errors } = error as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (PRISMA_OUTAGE_CODES.has(code) || SOCKET_OUTAGE_CODES.has(code))) return true;
  if (typeof kind === 'string' && ADAPTER_OUTAGE_KINDS.has(kind)) return true;
  if (typeof message === 'string' && OUTAGE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDependencyFailure(inner, depth + 1))) return true;
  return isDependencyFailure(cause, depth + 1);
}

export class QueueBreaker {
  private consecutive = 0;
  private opened = false;
  private readonly settings: BreakerSettings;

  constructor(
    readonly queue: string,
    private readonly logger: Logger,
    settings: Partial<BreakerSettings> = {},
  ) {
    this.settings = { ...DEFAULT_BREAKER, ...settings };
  }

  /** 1 while open (or half-open: waiting for its trial), 0 closed. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** A dependency failed: how long the queue pauses now. */
  failed(error: unknown): number {
    this.consecutive++;
    const { openAfter, firstPauseMs, maxPauseMs } = this.settings;
    if (!this.opened && this.consecutive >= openAfter) {
      this.opened = true;
      this.logger.warn({ err: error, queue: this.queue, failures: this.consecutive }, 'dependency unavailable: breaker open, queue paused; jobs keep their tries');
    }
    const growth = this.opened ? 2 ** Math.min(this.consecutive - openAfter + 1, 10) : 1;
    return Math.round(Math.min(maxPauseMs, firstPauseMs * growth) * (0.8 + 0.4 * Math.random()));
  }

  /** A job got through (success, or a failure of its own): the dependency answers again. */
  succeeded(): void {
    this.consecutive = 0;
    if (!this.opened) return;
    this.opened = false;
    this.logger.info({ queue: this.queue }, 'dependency available again: breaker closed');
  }

  /**
   * Runs one job under the breaker: a dependency failure pauses the queue and hands the job back
   * to waiting without spending a try (BullMQ's manual rate limit needs the worker's `limiter`).
   * `redis` (any connection to the queue's Redis) wakes the workers when the pause ends.
   */
  async run<R>(worker: Worker, redis: Redis, work: () => Promise<R>): Promise<R> {
    try {
      const result = await work();
      this.succeeded();
      return result;
    } catch (error) {
      if (!isDependencyFailure(error)) {
        this.succeeded();
        throw error;
      }
      const pauseMs = this.failed(error);
      await worker.rateLimit(pauseMs);
      // A job handed back to a priority list leaves no wake-up marker, so a worker already blocked
      // waiting for jobs would sleep out its whole drain delay (5 s) after the pause; this wakes it.
      setTimeout(() => void redis.zadd(worker.toKey('marker'), 0, '0').catch(() => undefined), pauseMs).unref();
      throw Worker.RateLimitError();
    }
  }
}

/**
 * Worker options that make the manual rate limit a pause every replica sees: BullMQ only checks the
 * shared limiter key when the worker has a limiter; this one never limits by itself.
 */
export const PAUSABLE_LIMITER = { limiter: { max: 1_000_000, duration: 1_000 } };
