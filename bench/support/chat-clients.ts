// The receiving side of bench/chat-throughput.ts: members on graphql-ws through the gateway, one
// socket per member (as one app), each with a `chatMessages(conversationId)` subscription per
// conversation of theirs. Every delivery is reported as (message id, subscription, receive time in
// ms since the epoch); the bench joins them with its send times. Spread over child processes: one
// event loop parsing every delivery would make the last receivers look late by its own queueing.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const SUBSCRIPTION = 'subscription($c: ID) { chatMessages(conversationId: $c) { id conversationId masked warnings { code level } } }';
/** Members connecting at once, over all processes (more overflow the gateway's accept queue on a small machine). */
const CONNECT_BATCH = 100;

export interface ChatMember {
  token: string;
  conversationIds: string[];
}

/** One delivery: the message, which conversation's subscription (and whose) got it, and when. */
export interface Delivery {
  messageId: string;
  memberIndex: number;
  at: number;
}

type ToChild = { type: 'start'; members: Array<ChatMember & { index: number }>; wsUrl: string; connectBatch: number } | { type: 'dispose' };
type FromChild = { type: 'deliveries'; deliveries: Delivery[] } | { type: 'connected' } | { type: 'disposed' } | { type: 'error'; message: string };

const retryWait = (retries: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** retries) + Math.random() * 500));

class LocalMembers {
  private readonly clients: Client[] = [];
  private pending: Delivery[] = [];
  private errors = 0;

  constructor(
    private readonly wsUrl: string,
    private readonly members: Array<ChatMember & { index: number }>,
    private readonly report: (message: FromChild) => void,
    private readonly connectBatch: number,
  ) {}

  async connect(): Promise<void> {
    for (let i = 0; i < this.members.length; i += this.connectBatch) {
      await Promise.all(this.members.slice(i, i + this.connectBatch).map((member) => this.connectOne(member)));
    }
  }

  flush(): void {
    if (!this.pending.length) return;
    this.report({ type: 'deliveries', deliveries: this.pending });
    this.pending = [];
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
  }

  private async connectOne(member: ChatMember & { index: number }): Promise<void> {
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 20,
      retryWait,
      shouldRetry: () => true,
      connectionParams: { authorization: `Bearer ${member.token}` },
    });
    this.clients.push(client);
    await new Promise<void>((resolve) => {
      const off = client.on('connected', () => {
        off();
        resolve();
      });
    });
    for (const conversationId of member.conversationIds) {
      client.subscribe<{ chatMessages: { id: string } }>(
        { query: SUBSCRIPTION, variables: { c: conversationId } },
        {
          next: (result) => {
            const at = Date.now();
            if (result.errors?.length && this.errors++ < 3) this.report({ type: 'error', message: JSON.stringify(result.errors).slice(0, 300) });
            const id = result.data?.chatMessages?.id;
            if (id) this.pending.push({ messageId: id, memberIndex: member.index, at });
          },
          error: (error) => {
            if (this.errors++ < 3) this.report({ type: 'error', message: String((error as Error).message ?? (error as { reason?: string }).reason ?? error) });
          },
          complete: () => undefined,
        },
      );
    }
  }
}

export interface ChatReceivers {
  connect(): Promise<void>;
  dispose(): Promise<void>;
}

/** The members in `workers` child processes; deliveries arrive in batches (every 50 ms) through `onDeliveries`. */
export function startChatReceivers(wsUrl: string, members: ChatMember[], workers: number, onDeliveries: (deliveries: Delivery[]) => void): ChatReceivers {
  const indexed = members.map((member, index) => ({ ...member, index }));
  const children = Array.from({ length: Math.max(1, workers) }, (_, w) => {
    const share = indexed.filter((_, i) => i % Math.max(1, workers) === w);
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CHAT_CLIENT_PROCESS: '1' } });
    const waiters = new Map<string, () => void>();
    child.on('message', (message: FromChild) => {
      if (message.type === 'deliveries') onDeliveries(message.deliveries);
      else if (message.type === 'error') console.error(`chat receiver: ${message.message}`);
      else waiters.get(message.type)?.();
    });
    const until = (type: string) => new Promise<void>((resolve, reject) => {
      waiters.set(type, resolve);
      child.once('exit', (code) => reject(new Error(`chat receiver process exited (${code})`)));
    });
    const connected = until('connected');
    child.send({ type: 'start', members: share, wsUrl, connectBatch: Math.ceil(CONNECT_BATCH / Math.max(1, workers)) } satisfies ToChild);
    return { child, connected, until };
  });
  return {
    connect: async () => {
      await Promise.all(children.map((c) => c.connected));
    },
    dispose: async () => {
      await Promise.all(children.map(async (c) => {
        const disposed = c.until('disposed');
        c.child.send({ type: 'dispose' } satisfies ToChild);
        await disposed.catch(() => undefined);
        if (c.child.connected) c.child.disconnect();
      }));
    },
  };
}

if (process.env.CHAT_CLIENT_PROCESS === '1' && process.send) {
  const post = (message: FromChild) => process.send!(message);
  let local: LocalMembers | undefined;
  const flusher = setInterval(() => local?.flush(), 50);
  process.once('disconnect', () => process.exit(0));
  process.on('message', (message: ToChild) => {
    if (message.type === 'start') {
      local = new LocalMembers(message.wsUrl, message.members, post, message.connectBatch);
      void local.connect().then(() => post({ type: 'connected' }));
    } else {
      clearInterval(flusher);
      local?.flush();
      void (local?.dispose() ?? Promise.resolve()).then(() => post({ type: 'disposed' }));
    }
  });
}
