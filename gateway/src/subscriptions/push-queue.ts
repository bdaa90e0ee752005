/**
 * An async iterator fed by push(): what graphql-ws iterates for one downstream subscription.
 * `return()` (the client completed or disconnected) runs `onReturn` once.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  // No arrays until needed: thousands of subscriptions are idle, a subscriber written to directly
  // (Downstream) never buffers here, and graphql-ws waits on one next() at a time (`waiter`).
  private buffer: T[] | undefined;
  private waiter: ((result: IteratorResult<T, undefined>) => void) | undefined;
  private waitingAfter: Array<(result: IteratorResult<T, undefined>) => void> | undefined;
  private closed = false;

  constructor(
    private readonly onReturn: (() => void) | undefined,
    private readonly bufferLimit = 1_000,
  ) {}

  /** Runs once, when the consumer returns; a subclass may override it instead of passing a callback. */
  protected returned(): void {
    this.onReturn?.();
  }

  /** False when the consumer is too slow (the event was dropped) or the queue is closed. */
  push(value: T): boolean {
    if (this.closed) return false;
    const next = this.waiter;
    if (next) {
      this.waiter = this.waitingAfter?.shift();
      next({ value, done: false });
      return true;
    }
    this.buffer ??= [];
    if (this.buffer.length >= this.bufferLimit) return false;
    this.buffer.push(value);
    return true;
  }

  /** Ends the stream after what is buffered (upstream completed). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = [...(this.waiter ? [this.waiter] : []), ...(this.waitingAfter ?? [])];
    this.waiter = undefined;
    this.waitingAfter = undefined;
    for (const next of waiting) next({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer?.length) return { value: this.buffer.shift() as T, done: false };
    if (this.closed) return { value: undefined, done: true };
    return new Promise((resolve) => {
      if (this.waiter) (this.waitingAfter ??= []).push(resolve);
      else this.waiter = resolve;
    });
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    const wasOpen = !this.closed;
    this.buffer = undefined;
    this.end();
    if (wasOpen) this.returned();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T, undefined>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
