// Handling several events of a kind in one transaction (issue 18: the monitor spent more CPU on a
// transaction per chat message than chat spent sending it). A type opts in by marking its handler
// with `inBatches`: the consumer then gathers the jobs of opted-in types that are in flight at the
// same moment (never waits for more: at low load a batch is one event) and runs them in one
// transaction with one processed_events INSERT for all of them. Exactly once stays per event: an
// event whose id is already recorded (or appears twice in the batch) is handled once.
// A batch that fails is rolled back as a whole and every event in it is tried again on its own, in
// its own transaction, so one poisoned event fails (and retries, and dead-letters) alone.
// Order: a batch groups events by type (in the order each type first appears), so opt in only
// types whose handlers do not depend on the order between them (jobs in flight together were never
// ordered anyway: the worker runs them concurrently).
import type { EventType } from '@anshim/contracts';
import type { EventEnvelope } from './envelope.ts';

/** Handles events of one type together, inside the transaction that records them as processed. */
export type EventBatchHandler<T extends EventType, Tx> = (events: Array<EventEnvelope<T>>, tx: Tx) => Promise<void>;

const BATCH = Symbol('event batch handler');

/** A per-event handler that may also be run on several events at once. */
export type BatchableHandler<T extends EventType, Tx> = ((event: EventEnvelope<T>, tx: Tx) => Promise<void>) & {
  readonly [BATCH]: EventBatchHandler<T, Tx>;
};

/**
 * Marks a handler as safe to run in a batch. Give either a per-event handler (run for each event
 * of the batch in turn, in one transaction) or `{ batch }`, which gets all of the batch's events of
 * its type at once (one multi-row write instead of one per event); alone it is called with one event.
 */
export function inBatches<T extends EventType, Tx>(
  handler: ((event: EventEnvelope<T>, tx: Tx) => Promise<void>) | { batch: EventBatchHandler<T, Tx> },
): BatchableHandler<T, Tx> {
  const batch: EventBatchHandler<T, Tx> =
    typeof handler === 'function'
      ? async (events, tx) => {
          for (const event of events) await handler(event, tx);
        }
      : handler.batch;
  const single = typeof handler === 'function' ? handler : (event: EventEnvelope<T>, tx: Tx) => batch([event], tx);
  return Object.assign((event: EventEnvelope<T>, tx: Tx) => single(event, tx), { [BATCH]: batch });
}

/** The batch form of a handler, if it was marked with `inBatches`. */
export function batchHandlerOf<Tx>(handler: unknown): EventBatchHandler<EventType, Tx> | undefined {
  return typeof handler === 'function' && BATCH in handler ? (handler as BatchableHandler<EventType, Tx>)[BATCH] : undefined;
}

export interface BatchSettings {
  /** Most events in one transaction. Default 50. */
  maxEvents: number;
  /** Batches running at once in this process. Default 2. */
  parallel: number;
}

export const DEFAULT_BATCH: BatchSettings = { maxEvents: 50, parallel: 2 };

interface Waiting<R> {
  event: EventEnvelope<EventType>;
  resolve: (outcome: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects events submitted while others are being handled and runs them `maxEvents` at a time.
 * `runBatch` gets the events and answers one outcome per event (same order); when it throws and
 * the batch held more than one event, each is given to `runOne` and settles on its own.
 */
export class MicroBatcher<R> {
  private readonly waiting: Array<Waiting<R>> = [];
  private running = 0;
  private drainScheduled = false;

  constructor(
    private readonly settings: BatchSettings,
    private readonly runBatch: (events: Array<EventEnvelope<EventType>>) => Promise<R[]>,
    private readonly runOne: (event: EventEnvelope<EventType>) => Promise<R>,
    private readonly onFallback: (error: unknown, size: number) => void,
  ) {}

  submit(event: EventEnvelope<EventType>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ event, resolve, reject });
      // Jobs the worker fetched in the same tick join the same batch; nothing waits for more.
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(() => {
          this.drainScheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.running < this.settings.parallel && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.settings.maxEvents);
      this.running += 1;
      void this.run(batch).finally(() => {
        this.running -= 1;
        this.drain();
      });
    }
  }

  private async run(batch: Array<Waiting<R>>): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      await this.runOne(only!.event).then(only!.resolve, only!.reject);
      return;
    }
    let outcomes: R[];
    try {
      outcomes = await this.runBatch(batch.map((item) => item.event));
    } catch (error) {
      this.onFallback(error, batch.length);
      // One after another: the batch's slot, not one connection each.
      for (const item of batch) await this.runOne(item.event).then(item.resolve, item.reject);
      return;
    }
    batch.forEach((item, index) => item.resolve(outcomes[index]!));
  }
}

/** At most `limit` of the wrapped calls run at once; the others wait their turn. */
export class Gate {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // the slot passes on
      else this.active -= 1;
    }
  }
}
