/**
 * An async iterator fed by push(): what graphql-ws iterates for one downstream subscription.
 * `return()` (the client completed or disconnected) runs `onReturn` once.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: Array<(result: IteratorResult<T, undefined>) => void> = [];
  private closed = false;

  constructor(
    private readonly onReturn: () => void,
    private readonly bufferLimit = 1_000,
  ) {}

  /** False when the consumer is too slow (the event was dropped) or the queue is closed. */
  push(value: T): boolean {
    if (this.closed) return false;
    const next = this.waiting.shift();
    if (next) {
      next({ value, done: false });
      return true;
    }
    if (this.buffer.length >= this.bufferLimit) return false;
    this.buffer.push(value);
    return true;
  }

  /** Ends the stream after what is buffered (upstream completed). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const next of this.waiting.splice(0)) next({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer.length) return { value: this.buffer.shift() as T, done: false };
    if (this.closed) return { value: undefined, done: true };
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    const wasOpen = !this.closed;
    this.buffer.length = 0;
    this.end();
    if (wasOpen) this.onReturn();
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
