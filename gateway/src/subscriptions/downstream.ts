import type { ExecutionResult } from 'graphql';
import { MessageType } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { WsCloseCode } from '@anshim/platform';

/**
 * A graphql-ws subscriber's socket, written to directly with `next` messages whose payload was
 * serialized once for everyone who receives the same result.
 *
 * Why not graphql-ws' own path: per event and subscriber it resolves an iterator promise, awaits
 * onNext, validates and JSON.stringifies the whole message and awaits the write callback; with
 * thousands of subscribers of one event that per-subscriber work (and its garbage) was most of
 * the gateway's CPU after the socket writes themselves. The bytes are the same: graphql-ws writes
 * `{"id":…,"type":"next","payload":…}` with JSON.stringify, and formatted errors serialize
 * through their toJSON either way. graphql-ws still owns everything else (subscribe, errors,
 * `complete` once the subscription's iterator ends, which is after the last direct write).
 */
export class Downstream {
  constructor(
    private readonly socket: WebSocket,
    /** The subscription's id (graphql-ws keeps this very string in its subscribe message). */
    private readonly id: string,
    /** Bytes queued on the socket beyond which this (slow) subscriber's socket is closed. */
    private readonly maxBufferedBytes: number,
  ) {}

  /**
   * False when the subscriber is not reading fast enough: its socket is closed (1013, try again later) instead of
   * the event being skipped, so that it cannot miss a risk alert without knowing; the client
   * reconnects and fetches what it missed.
   */
  next(result: ExecutionResult): boolean {
    // Closing: graphql-ws ends the subscription (iterator return) once the socket is closed.
    if (this.socket.readyState !== this.socket.OPEN) return true;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.socket.close(WsCloseCode.TooSlow, 'Too slow: events could not be delivered; reconnect and refetch');
      return false;
    }
    // The message's head is put together per send rather than kept: a kept one was a chain of
    // concatenated strings per subscriber, and this costs little beside the write itself.
    this.socket.send(`{"id":${JSON.stringify(this.id)},"type":"${MessageType.Next}","payload":${serialized(result)}}`);
    return true;
  }
}

/**
 * The JSON of a result, computed once however many groups and subscribers receive that very
 * object (results of viewer-independent plans are shared between groups, see executor.ts).
 */
const cache = new WeakMap<ExecutionResult, string>();
export function serialized(result: ExecutionResult): string {
  let json = cache.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    cache.set(result, json);
  }
  return json;
}
