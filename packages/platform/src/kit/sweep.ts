// A periodic sweep as a class (chat's retention, user's ID card purge, the upload sweep): the
// subclass writes only `sweep(now)`, one pass as of `now` that tests call with a chosen date; the kit
// makes its queue, scheduler and worker (`job`, which the server starts and closes) and its logger.
import type { z } from 'zod';
import type { JobType } from '@anshim/contracts';
import type { Logger } from '../logger.ts';
import type { RedisSettings } from '../redis.ts';
import { defineSweep, type DefinedJob } from './define-job.ts';

/** What every sweep is given: how often it runs, its Redis and its logger (a sweep's deps extend it). */
export interface SweepDeps {
  intervalMinutes: number;
  redis: RedisSettings;
  logger: Logger;
}

export abstract class Sweep<R, S extends z.ZodType = z.ZodType> {
  /** The queue, its scheduler and worker: the server starts and closes it. */
  readonly job: DefinedJob<S, R>;
  protected readonly logger: Logger;

  /** `id` is the scheduler's (one repeatable job however many replicas run); it names the log lines too. */
  constructor(type: JobType<S>, id: string, deps: SweepDeps) {
    this.logger = deps.logger.child({ component: id });
    this.job = defineSweep(type, { id, everyMs: deps.intervalMinutes * 60_000, run: (now) => this.sweep(now), redis: deps.redis, logger: deps.logger });
  }

  /** One sweep as of `now`. */
  abstract sweep(now: Date): Promise<R>;
}
