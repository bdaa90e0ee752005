// The gateway's connections to the subgraphs that serve subscriptions: one socket per subgraph,
// multiplexing every upstream subscription to it (graphql-transport-ws). The socket opens with the
// first subscription and closes a little after the last (lazy), and each (re)connect is signed
// for that subgraph, which refuses an unsigned connection.
//
// Why not graphql-ws' client: per subscription it keeps an async loop, about a dozen closures and
// half a dozen promises, two listeners in arrays that unsubscribing searches linearly, and the
// subscribe payload (signed headers included) for as long as the subscription runs: about 3 KB of
// heap each, which at 20,000 unshared subscriptions on one gateway was a fifth of its memory
// (bench/RESULTS.md "City size"). Here a subscription is one map entry (id → its sink) and its
// subscribe message is serialized once and dropped once sent.
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType } from 'graphql-ws';
import WebSocket from 'ws';
import { connectionTarget, signIdentityHeaders, type Logger } from '@anshim/platform';

export interface UpstreamConnectionsOptions {
  /** Subgraph name → its HTTP GraphQL URL; the socket connects to the same URL as ws(s)://. */
  subgraphUrls: ReadonlyMap<string, string>;
  internalSecret: string;
  logger: Logger;
}

/**
 * What an upstream subscription is told. `error` gets the subgraph's GraphQL errors (an array) or
 * the socket's close ({ code, reason }: the connection was lost or refused); after `error` or
 * `complete` nothing more arrives for that subscription.
 */
export interface UpstreamSink {
  next(payload: Record<string, unknown>): void;
  error(error: unknown): void;
  complete(): void;
}

export interface UpstreamSubscribePayload {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  extensions: Record<string, unknown>;
}

/** Closed this long after its last subscription ended (one may follow soon). */
const LAZY_CLOSE_MS = 5_000;
/** A protocol ping this often while open: keeps idle intermediaries from dropping the socket. */
const KEEP_ALIVE_MS = 10_000;

function toWebSocketUrl(url: string): string {
  return url.replace(/^http/i, 'ws');
}

/** The socket to one subgraph and the subscriptions it carries. */
export class SubgraphConnection {
  private socket: WebSocket | undefined;
  private acknowledged = false;
  /** Running subscriptions by id (ids are never reused on this object, across reconnects too). */
  private readonly sinks = new Map<string, UpstreamSink>();
  /** Subscribe messages waiting for the connection's ack, by id. */
  private readonly waiting = new Map<string, string>();
  private lastId = 0;
  private closeTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly subgraph: string,
    private readonly url: string,
    private readonly options: UpstreamConnectionsOptions,
  ) {}

  /** Subscriptions running or waiting for the socket. */
  get size(): number {
    return this.sinks.size;
  }

  /** Starts a subscription; returns its id, for `unsubscribe`. */
  subscribe(payload: UpstreamSubscribePayload, sink: UpstreamSink): string {
    const id = String(++this.lastId);
    this.sinks.set(id, sink);
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    const message = JSON.stringify({ id, type: MessageType.Subscribe, payload });
    if (this.acknowledged && this.socket?.readyState === WebSocket.OPEN) this.socket.send(message);
    else {
      this.waiting.set(id, message);
      this.open();
    }
    return id;
  }

  /** Ends a subscription the gateway no longer needs (tells the subgraph if it was sent). */
  unsubscribe(id: string): void {
    if (!this.sinks.delete(id)) return;
    if (!this.waiting.delete(id) && this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ id, type: MessageType.Complete }));
    this.closeWhenIdle();
  }

  private open(): void {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    // A socket still closing (lazily, with no subscription left on it) is forgotten: its close
    // then concerns nothing here, and what waits goes out on the new one.
    this.acknowledged = false;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    const socket = new WebSocket(toWebSocketUrl(this.url), GRAPHQL_TRANSPORT_WS_PROTOCOL, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('open', () => {
      // Signed at every (re)connect: the subgraph refuses stale signatures.
      const headers = signIdentityHeaders(this.options.internalSecret, null, connectionTarget(this.subgraph), `gw-conn-${randomUUID()}`);
      socket.send(JSON.stringify({ type: MessageType.ConnectionInit, payload: { headers } }));
    });
    socket.on('message', (data) => this.received(socket, String(data)));
    socket.on('error', (error) => this.options.logger.warn({ subgraph: this.subgraph, err: error }, 'upstream graphql-ws error'));
    // ws emits close after error too: every way the socket ends lands here once.
    socket.on('close', (code, reason) => this.closed(socket, code, reason.toString()));
  }

  private received(socket: WebSocket, text: string): void {
    let message: { id?: unknown; type?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      socket.close(4400, 'Invalid message received');
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    switch (message.type) {
      case MessageType.Next: {
        if (id !== undefined && typeof message.payload === 'object' && message.payload !== null) this.sinks.get(id)?.next(message.payload as Record<string, unknown>);
        return;
      }
      case MessageType.Error: {
        const sink = id === undefined ? undefined : this.sinks.get(id);
        if (!sink) return;
        this.sinks.delete(id!);
        sink.error(Array.isArray(message.payload) ? message.payload : [{ message: 'The subscription was refused.' }]);
        this.closeWhenIdle();
        return;
      }
      case MessageType.Complete: {
        const sink = id === undefined ? undefined : this.sinks.get(id);
        if (!sink) return;
        this.sinks.delete(id!);
        sink.complete();
        this.closeWhenIdle();
        return;
      }
      case MessageType.ConnectionAck: {
        this.acknowledged = true;
        for (const waiting of this.waiting.values()) socket.send(waiting);
        this.waiting.clear();
        this.keepAliveTimer = setInterval(() => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: MessageType.Ping }));
        }, KEEP_ALIVE_MS);
        this.keepAliveTimer.unref();
        return;
      }
      case MessageType.Ping: {
        socket.send(JSON.stringify({ type: MessageType.Pong }));
        return;
      }
      default:
        return; // pong, or something newer: nothing to do
    }
  }

  /** The socket ended: every subscription it carried (or waited to send) is told, to retry or fail. */
  private closed(socket: WebSocket, code: number, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.acknowledged = false;
    clearInterval(this.keepAliveTimer);
    clearTimeout(this.closeTimer);
    this.keepAliveTimer = undefined;
    this.closeTimer = undefined;
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    this.waiting.clear();
    for (const sink of sinks) sink.error({ code, reason });
  }

  private closeWhenIdle(): void {
    if (this.sinks.size > 0 || this.closeTimer || !this.socket) return;
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined;
      if (this.sinks.size === 0) this.socket?.close(1000, 'Normal Closure');
    }, LAZY_CLOSE_MS);
    this.closeTimer.unref();
  }

  /** Closes the socket now (on stop, after the subscriptions were ended). */
  async dispose(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    if (socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000, 'Normal Closure');
    });
  }
}

export class UpstreamConnections {
  private readonly connections = new Map<string, SubgraphConnection>();

  constructor(private readonly options: UpstreamConnectionsOptions) {}

  /** The one connection to `subgraph`, created on first use (its socket opens with a subscription). */
  to(subgraph: string): SubgraphConnection {
    let connection = this.connections.get(subgraph);
    if (connection) return connection;
    const url = this.options.subgraphUrls.get(subgraph);
    if (!url) throw new GraphQLError(`No URL for subgraph ${subgraph}.`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    connection = new SubgraphConnection(subgraph, url, this.options);
    this.connections.set(subgraph, connection);
    return connection;
  }

  /** Closes every connection (on stop, after their subscriptions were closed). */
  async dispose(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.dispose()));
    this.connections.clear();
  }
}
