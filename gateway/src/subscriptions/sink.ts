// One downstream subscriber of the executor (executor.ts): where its results go.
import type { ExecutionResult } from 'graphql';
import type { Downstream } from './downstream.ts';
import { PushQueue } from './push-queue.ts';

/** Whom a sink tells when its subscriber is gone (the executor's event group). */
export interface SinkOwner {
  release(sink: Sink): void;
}

/**
 * One downstream subscriber: its results go straight to its socket when it has one, else through
 * the iterator graphql-ws reads. Either way graphql-ws holds the iterator (the sink itself), whose
 * end (upstream completed or failed) makes it send `complete`, and whose return() (the client
 * completed or went away) releases the subscriber. The owner is a field, not a closure: one
 * object less per subscription.
 */
export class Sink extends PushQueue<ExecutionResult> {
  constructor(
    private readonly owner: SinkOwner,
    bufferLimit: number | undefined,
    private readonly downstream: Downstream | undefined,
  ) {
    super(undefined, bufferLimit);
  }

  protected override returned(): void {
    this.owner.release(this);
  }

  /** False when the subscriber is too slow and the result was dropped. */
  override push(result: ExecutionResult): boolean {
    return this.downstream ? this.downstream.next(result) : super.push(result);
  }
}
