// Keeps one conversation's pushes in commit order. Messages are published after their transaction
// commits, and two sends' commits and publishes could otherwise cross (A commits, B commits, B
// publishes first). A send reserves its place while it holds the conversation's row lock (so
// places are taken in commit order), fills it after the commit, or gives it up on rollback; each
// place publishes only after the one before it. This orders the sends one process handles; sends
// of one conversation through two replicas are ordered by the clients' `sentAt`/cursor instead.
type Publish = () => Promise<void>;

export interface DeliverySlot {
  /** After the commit: publishes once every earlier place of the conversation did; resolves then. */
  release(publish: Publish): Promise<void>;
  /** The transaction rolled back: the place is skipped. */
  cancel(): void;
}

export class OrderedDelivery {
  private readonly tails = new Map<string, Promise<void>>();

  reserve(conversationId: string): DeliverySlot {
    let settle!: (publish: Publish | null) => void;
    const filled = new Promise<Publish | null>((resolve) => (settle = resolve));
    const tail = (this.tails.get(conversationId) ?? Promise.resolve()).then(async () => {
      const publish = await filled;
      await publish?.().catch(() => undefined);
    });
    this.tails.set(conversationId, tail);
    void tail.then(() => {
      if (this.tails.get(conversationId) === tail) this.tails.delete(conversationId);
    });
    return {
      release: (publish) => {
        settle(publish);
        return tail;
      },
      cancel: () => settle(null),
    };
  }
}
