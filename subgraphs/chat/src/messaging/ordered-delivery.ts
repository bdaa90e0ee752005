// Keeps one conversation's pushes in commit order. Messages are published after their statement
// commits, and two sends' commits and publishes could otherwise cross (A commits, B commits, B
// publishes first). A send reserves its place, waits for its `turn` (the place before it has
// written or given up) and only then writes, so within this process places are taken in commit
// order; it fills its place after the commit, or gives it up when the write failed; each place
// publishes only after the one before it. Waiting for the turn costs nothing the database would
// not impose anyway: the write locks the conversation's row, so one conversation's writes take
// turns there too. This orders the sends one process handles; sends of one conversation through
// two replicas are ordered by the clients' `sentAt`/cursor instead.
type Publish = () => Promise<void>;

export interface DeliverySlot {
  /** Resolves once every earlier place of the conversation has written (or given up): write then. */
  readonly turn: Promise<void>;
  /** After the commit: publishes once every earlier place of the conversation did; resolves then. */
  release(publish: Publish): Promise<void>;
  /** The transaction rolled back: the place is skipped. */
  cancel(): void;
}

export class OrderedDelivery {
  private readonly tails = new Map<string, Promise<void>>();
  /** Per conversation: settles when the latest place has written or given up. */
  private readonly writes = new Map<string, Promise<void>>();

  reserve(conversationId: string): DeliverySlot {
    let settle!: (publish: Publish | null) => void;
    const filled = new Promise<Publish | null>((resolve) => (settle = resolve));
    const turn = this.writes.get(conversationId) ?? Promise.resolve();
    const written = filled.then(() => undefined);
    this.writes.set(conversationId, written);
    void written.then(() => {
      if (this.writes.get(conversationId) === written) this.writes.delete(conversationId);
    });
    const tail = (this.tails.get(conversationId) ?? Promise.resolve()).then(async () => {
      const publish = await filled;
      await publish?.().catch(() => undefined);
    });
    this.tails.set(conversationId, tail);
    void tail.then(() => {
      if (this.tails.get(conversationId) === tail) this.tails.delete(conversationId);
    });
    return {
      turn,
      release: (publish) => {
        settle(publish);
        return tail;
      },
      cancel: () => settle(null),
    };
  }
}
