// One downstream subscriber of the executor (executor.ts): where its results go.
import type { ExecutionResult } from 'graphql';
import type { Downstream } from './downstream.ts';
import { PushQueue } from './push-queue.ts';

/**
 * One downstream subscriber: its results go straight to its socket when it has one, else through
 * the iterator graphql-ws reads. Either way graphql-ws holds the iterator, whose end (upstream
 * completed or failed) makes it send `complete`, and whose return() (the client completed or
 * went away) releases the subscriber.
 */
export class Sink {
  readonly queue: PushQueue<ExecutionResult>;

  constructor(onReturn: () => void, bufferLimit: number | undefined, private readonly downstream: Downstream | undefined) {
    this.queue = new PushQueue(onReturn, bufferLimit);
  }

  /** False when the subscriber is too slow and the result was dropped. */
  push(result: ExecutionResult): boolean {
    return this.downstream ? this.downstream.next(result) : this.queue.push(result);
  }

  end(): void {
    this.queue.end();
  }
}
