// The per-operation objects of graphql-ws operations that a running subscription keeps for as long
// as it runs: small and in V8's fast mode, since a city-size gateway holds 20,000 of each.
import { randomUUID } from 'node:crypto';
import type { Identity, Locale, Logger } from '@anshim/platform';
import type { GatewayContext } from '../context.ts';
import type { Downstream } from './downstream.ts';
import type { DownstreamSubscription } from './executor-types.ts';
import type { PlannedSubscription } from './planner.ts';

/** Unique per process (with a counter): request ids without a random string stored per operation. */
const PROCESS_TAG = randomUUID().slice(0, 8);
let lastSerial = 0;

/** `<prefix>-<process tag>-<n>`: a request id made when read, from a number kept per object. */
export function nextSerial(): number {
  return ++lastSerial;
}
export function serialRequestId(prefix: string, serial: number): string {
  return `${prefix}-${PROCESS_TAG}-${serial}`;
}

/**
 * The GatewayContext of one graphql-ws operation. Its logger is made on first use: most
 * subscriptions never log, and thousands of idle child loggers were a measurable part of the
 * gateway's memory (bench/subscription-fanout.ts). A prototype getter rather than an object
 * literal's getter replaced by defineProperty: that turned every context into a dictionary-mode
 * object (about 450 bytes more each). Apollo's executeOperation clones contexts keeping the
 * prototype, so queries over the socket see the same getters.
 */
export class SocketOperationContext implements GatewayContext {
  private made: Logger | undefined;
  private readonly serial = nextSerial();

  constructor(
    readonly identity: Identity | null,
    readonly clientIp: string,
    readonly deviceId: string | null,
    readonly userAgent: string | null,
    readonly locale: Locale,
    readonly acceptLanguage: string | undefined,
    readonly authorization: string | undefined,
    private readonly parentLogger: Logger,
    private readonly connectionId: string | undefined,
  ) {}

  get requestId(): string {
    return serialRequestId('ws', this.serial);
  }

  get logger(): Logger {
    this.made ??= this.parentLogger.child({ requestId: this.requestId, connectionId: this.connectionId, ...(this.identity ? { userId: this.identity.userId } : {}) });
    return this.made;
  }
}

/** What the executor keeps of one client subscription: read through to its context (no copies). */
export class SocketSubscription implements DownstreamSubscription {
  constructor(
    readonly planned: PlannedSubscription,
    readonly variables: Record<string, unknown>,
    private readonly context: GatewayContext,
    readonly downstream: Downstream | undefined,
  ) {}

  get identity(): Identity | null {
    return this.context.identity;
  }

  get locale(): Locale {
    return this.context.locale;
  }

  get acceptLanguage(): string | undefined {
    return this.context.acceptLanguage;
  }

  /** Made on first use (the context's). */
  get logger(): Logger {
    return this.context.logger;
  }
}
