// The members of bench/subscription-city.ts: each one socket through its gateway (as one app)
// holding two subscriptions, `myRiskAlerts` and `chatMessages(conversationId)` for its one
// conversation. Each delivery is timed from the platform's own timestamp (the alert's createdAt,
// set by monitor just before its commit; the message's sentAt, set by chat when the send starts,
// before screening and commit) to the moment graphql-ws has parsed it here; a member's own
// message coming back to them is not a delivery. Spread over child processes, as in
// fanout-clients.ts: one event loop parsing every delivery would make the last members look late
// by its own queueing, which no real city of phones does.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Sockets connecting at once over all processes: more overflow a gateway's accept queue on this machine. */
const CONNECT_BATCH = 100;
const ALERTS = 'subscription { myRiskAlerts { id createdAt subject { nickname } } }';
const MESSAGES = 'subscription($c: ID) { chatMessages(conversationId: $c) { id sentAt sender { id } } }';

export interface CityMember {
  userId: string;
  token: string;
  conversationId: string;
  /** The gateway's graphql-ws URL this member's app talks to. */
  wsUrl: string;
}

export type DeliveryKind = 'alert' | 'message';

/** Latencies (ms) of one kind measured since the last reset, with that reset's epoch. */
export interface LatencyBatch {
  kind: DeliveryKind;
  values: number[];
  epoch: number;
}

type ToChild = { type: 'start'; members: CityMember[]; connectBatch: number } | { type: 'reset'; epoch: number } | { type: 'dispose' };
type FromChild = { type: 'latencies'; batches: LatencyBatch[] } | { type: 'connected' } | { type: 'disposed' } | { type: 'error'; message: string };

/** Backoff with jitter, capped at 5 s (graphql-ws' default doubles without a cap). */
const retryWait = (retries: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** retries) + Math.random() * 500));

class LocalMembers {
  private readonly clients: Client[] = [];
  private epoch = 0;
  private pending: Record<DeliveryKind, number[]> = { alert: [], message: [] };
  private errors = 0;

  constructor(
    private readonly members: CityMember[],
    private readonly post: (message: FromChild) => void,
    private readonly connectBatch: number,
  ) {}

  async connect(): Promise<void> {
    for (let i = 0; i < this.members.length; i += this.connectBatch) {
      await Promise.all(this.members.slice(i, i + this.connectBatch).map((member) => this.connectOne(member)));
    }
  }

  reset(epoch: number): void {
    this.flush();
    this.epoch = epoch;
  }

  flush(): void {
    const batches = (['alert', 'message'] as const).filter((kind) => this.pending[kind].length).map((kind) => ({ kind, values: this.pending[kind], epoch: this.epoch }));
    if (!batches.length) return;
    this.post({ type: 'latencies', batches });
    this.pending = { alert: [], message: [] };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
  }

  private async connectOne(member: CityMember): Promise<void> {
    // Retries: on the loaded machine connects are reset when a gateway's accept queue overflows;
    // the member comes back like a real client, backing off (graphql-ws gives up on an error event).
    const client = createClient({
      url: member.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 20,
      retryWait,
      shouldRetry: () => true,
      connectionParams: { authorization: `Bearer ${member.token}` },
    });
    this.clients.push(client);
    // A member that cannot connect within 2 min does not stall the rest: the bench counts the
    // subscriptions the subgraphs hold live, and a missing one shows there and as lost deliveries.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        off();
        if (this.errors++ < 3) this.post({ type: 'error', message: 'not connected after 120 s' });
        resolve();
      }, 120_000);
      const off = client.on('connected', () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    const report = (kind: DeliveryKind, sentAt: string | undefined) => {
      if (!sentAt) return;
      this.pending[kind].push(Date.now() - new Date(sentAt).getTime());
    };
    const sink = <T>(onData: (data: T) => void) => ({
      next: (result: { data?: T | null; errors?: readonly unknown[] }) => {
        if (result.errors?.length && this.errors++ < 3) this.post({ type: 'error', message: JSON.stringify(result.errors).slice(0, 300) });
        if (result.data) onData(result.data);
      },
      error: (error: unknown) => {
        if (this.errors++ < 3) this.post({ type: 'error', message: describe(error) });
      },
      complete: () => undefined,
    });
    client.subscribe<{ myRiskAlerts: { createdAt: string } }>({ query: ALERTS }, sink((data) => report('alert', data.myRiskAlerts?.createdAt)));
    client.subscribe<{ chatMessages: { sentAt: string; sender: { id: string } } }>(
      { query: MESSAGES, variables: { c: member.conversationId } },
      // The member's own message echoed back to them is not a delivery to anyone.
      sink((data) => data.chatMessages && data.chatMessages.sender.id !== member.userId && report('message', data.chatMessages.sentAt)),
    );
  }
}

function describe(error: unknown): string {
  const event = error as { code?: number; reason?: string; error?: { message?: string }; message?: string };
  return event.error?.message ?? event.message ?? (event.code !== undefined ? `closed ${event.code} ${event.reason ?? ''}` : String(error));
}

export interface CityMembers {
  /** Resolves once every member's socket is connected and both subscribe messages are sent. */
  connect(): Promise<void>;
  /** A new measuring epoch: latencies of earlier ones arrive tagged with theirs, to be dropped. */
  reset(epoch: number): void;
  dispose(): Promise<void>;
}

/** The members spread evenly over `workers` child processes; latency batches arrive every 50 ms through `onLatencies`. */
export function startCityMembers(members: CityMember[], workers: number, onLatencies: (batch: LatencyBatch) => void): CityMembers {
  const count = Math.max(1, workers);
  const children = Array.from({ length: count }, (_, w) => {
    // Child processes rather than worker threads: Node 20 does not apply `--import tsx` to a worker's entry.
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CITY_CLIENT_PROCESS: '1' } });
    const waiters = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
    child.on('message', (message: FromChild) => {
      if (message.type === 'latencies') for (const batch of message.batches) onLatencies(batch);
      else if (message.type === 'error') console.error(`city member: ${message.message}`);
      else waiters.get(message.type)?.resolve();
    });
    child.once('exit', (code) => {
      for (const waiter of waiters.values()) waiter.reject(new Error(`member process exited (${code})`));
    });
    const until = (type: string) => new Promise<void>((resolve, reject) => waiters.set(type, { resolve, reject }));
    const connected = until('connected');
    child.send({ type: 'start', members: members.filter((_, i) => i % count === w), connectBatch: Math.ceil(CONNECT_BATCH / count) } satisfies ToChild);
    return { child, connected, until };
  });
  return {
    connect: async () => {
      await Promise.all(children.map((c) => c.connected));
    },
    reset: (epoch) => {
      for (const c of children) c.child.send({ type: 'reset', epoch } satisfies ToChild);
    },
    dispose: async () => {
      await Promise.all(
        children.map(async (c) => {
          const disposed = c.until('disposed');
          c.child.send({ type: 'dispose' } satisfies ToChild);
          await disposed.catch(() => undefined);
          if (c.child.connected) c.child.disconnect();
        }),
      );
    },
  };
}

if (process.env.CITY_CLIENT_PROCESS === '1' && process.send) {
  const post = (message: FromChild) => process.send!(message);
  let local: LocalMembers | undefined;
  // Latencies go to the bench in batches: one message per delivery would add its own queueing.
  const flusher = setInterval(() => local?.flush(), 50);
  // The bench went away (it failed or was stopped): so do its members.
  process.once('disconnect', () => process.exit(0));
  process.on('message', (message: ToChild) => {
    if (message.type === 'start') {
      local = new LocalMembers(message.members, post, message.connectBatch);
      void local.connect().then(() => post({ type: 'connected' }));
    } else if (message.type === 'reset') local?.reset(message.epoch);
    else {
      clearInterval(flusher);
      local?.flush();
      void (local?.dispose() ?? Promise.resolve()).then(() => post({ type: 'disposed' }));
    }
  });
}
