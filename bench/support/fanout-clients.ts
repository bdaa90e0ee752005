// The subscriber side of bench/subscription-fanout.ts: graphql-ws clients that time each alert
// from its createdAt to the moment graphql-ws has parsed it and called `next` here. Run in the
// bench's own process or, with `workers=N`, spread over N child processes: one event loop that
// parses 5,000 messages per alert one after another makes the last receivers look late by the
// time it spends on the first ones, which no real fleet of clients does.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Sockets connecting at once, over all processes: more overflow the gateway's accept queue (SYN cookies, resets). */
const CONNECT_BATCH = 100;

export interface SubscriberOptions {
  wsUrl: string;
  query: string;
  /** One access token per subscriber (the same one repeated in `shared` mode). */
  tokens: string[];
}

export interface SubscriberEvents {
  /** A subscriber received its first (warm-up, unmeasured) alert: it is live. */
  ready(count: number): void;
  /** Publish → parsed latencies (ms) measured since the last reset, with that reset's epoch. */
  latencies(values: number[], epoch: number): void;
}

/** `riskAlerts` or `myRiskAlerts`: the one root field of the subscription. */
type Alert = Record<string, { createdAt: string } | null>;

/** Backoff with jitter, capped at 5 s (graphql-ws' default doubles without a cap). */
const retryWait = (retries: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** retries) + Math.random() * 500));

/** Subscribers in the current thread. */
class LocalSubscribers {
  private readonly clients: Client[] = [];
  private epoch = 0;
  private pending: number[] = [];
  private errorsSeen = 0;

  constructor(
    private readonly options: SubscriberOptions,
    private readonly events: SubscriberEvents,
    /** Latencies are reported in batches (child processes) or one by one (in process). */
    private readonly batched: boolean,
    private readonly connectBatch = CONNECT_BATCH,
  ) {}

  async connect(): Promise<void> {
    const { tokens } = this.options;
    for (let i = 0; i < tokens.length; i += this.connectBatch) {
      await Promise.all(tokens.slice(i, i + this.connectBatch).map((token) => this.subscribeOne(token)));
    }
  }

  reset(epoch: number): void {
    this.epoch = epoch;
    this.pending = [];
  }

  flush(): void {
    if (!this.pending.length) return;
    this.events.latencies(this.pending, this.epoch);
    this.pending = [];
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
  }

  private async subscribeOne(token: string): Promise<void> {
    // Retries: on the loaded machine connects are reset when the gateway's accept queue overflows
    // (the kernel logs SYN flooding); the subscriber comes back like a real client, backing off.
    // graphql-ws retries only close events by default, and a reset reaches it as an error event first.
    const client = createClient({ url: this.options.wsUrl, webSocketImpl: WebSocket, retryAttempts: 20, retryWait, shouldRetry: () => true, connectionParams: { authorization: `Bearer ${token}` } });
    this.clients.push(client);
    let first = true;
    client.subscribe<Alert>(
      { query: this.options.query },
      {
        next: (result) => {
          const alert = result.data ? Object.values(result.data)[0] : undefined;
          if (result.errors?.length && this.errorsSeen++ < 3) console.error('subscriber got errors', JSON.stringify(result.errors).slice(0, 400));
          if (!alert) return;
          if (first) {
            // The warm-up alert proves this subscriber is live; it is not measured.
            first = false;
            this.events.ready(1);
            return;
          }
          const latency = Date.now() - new Date(alert.createdAt).getTime();
          if (this.batched) this.pending.push(latency);
          else this.events.latencies([latency], this.epoch);
        },
        // Short and few: a connect storm on the loaded machine resets hundreds of sockets at once.
        error: (error) => {
          if (this.errorsSeen++ < 3) console.error('subscriber error', describe(error));
        },
        complete: () => undefined,
      },
    );
  }
}

function describe(error: unknown): string {
  const event = error as { code?: number; reason?: string; error?: { message?: string }; message?: string };
  return event.error?.message ?? event.message ?? (event.code !== undefined ? `closed ${event.code} ${event.reason ?? ''}` : String(error));
}

type ToWorker = { type: 'start'; options: SubscriberOptions; connectBatch: number } | { type: 'reset'; epoch: number } | { type: 'dispose' };
type FromWorker = { type: 'ready'; count: number } | { type: 'latencies'; values: number[]; epoch: number } | { type: 'connected' } | { type: 'disposed' };

/** The subscribers, in this process (`workers` 0) or spread evenly over `workers` child processes. */
export interface Subscribers {
  connect(): Promise<void>;
  /** Starts a new measuring epoch: latencies reported for earlier ones are to be dropped. */
  reset(epoch: number): void;
  dispose(): Promise<void>;
}

export function startSubscribers(options: SubscriberOptions, events: SubscriberEvents, workers: number): Subscribers {
  if (workers <= 0) {
    const local = new LocalSubscribers(options, events, false);
    return { connect: () => local.connect(), reset: (epoch) => local.reset(epoch), dispose: () => local.dispose() };
  }
  const children = Array.from({ length: workers }, (_, w) => {
    const tokens = options.tokens.filter((_, i) => i % workers === w);
    // Child processes rather than worker threads: Node 20 does not apply `--import tsx` to a worker's entry.
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, FANOUT_CLIENT_PROCESS: '1' } });
    const waiters = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') events.ready(message.count);
      else if (message.type === 'latencies') events.latencies(message.values, message.epoch);
      else waiters.get(message.type)?.resolve();
    });
    child.once('exit', (code) => {
      for (const waiter of waiters.values()) waiter.reject(new Error(`subscriber process exited (${code})`));
    });
    const until = (type: string) => new Promise<void>((resolve, reject) => waiters.set(type, { resolve, reject }));
    const connected = until('connected');
    child.send({ type: 'start', options: { ...options, tokens }, connectBatch: Math.ceil(CONNECT_BATCH / workers) } satisfies ToWorker);
    return { child, connected, until };
  });
  return {
    connect: async () => {
      await Promise.all(children.map((c) => c.connected));
    },
    reset: (epoch) => {
      for (const c of children) c.child.send({ type: 'reset', epoch } satisfies ToWorker);
    },
    dispose: async () => {
      await Promise.all(
        children.map(async (c) => {
          const disposed = c.until('disposed');
          c.child.send({ type: 'dispose' } satisfies ToWorker);
          await disposed.catch(() => undefined);
          if (c.child.connected) c.child.disconnect();
        }),
      );
    },
  };
}

if (process.env.FANOUT_CLIENT_PROCESS === '1' && process.send) {
  const post = (message: FromWorker) => process.send!(message);
  let local: LocalSubscribers | undefined;
  // Latencies go to the bench in batches: one message per alert per process would add its own queueing.
  const flusher = setInterval(() => local?.flush(), 50);
  // The bench went away (it failed or was stopped): so do its subscribers.
  process.once('disconnect', () => process.exit(0));
  process.on('message', (message: ToWorker) => {
    if (message.type === 'start') {
      local = new LocalSubscribers(message.options, { ready: (count) => post({ type: 'ready', count }), latencies: (values, epoch) => post({ type: 'latencies', values, epoch }) }, true, message.connectBatch);
      void local.connect().then(() => post({ type: 'connected' }));
    } else if (message.type === 'reset') local?.reset(message.epoch);
    else if (message.type === 'dispose') {
      clearInterval(flusher);
      local?.flush();
      void (local?.dispose() ?? Promise.resolve()).then(() => post({ type: 'disposed' }));
    }
  });
}
