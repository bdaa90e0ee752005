import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { graphqlRuntime } from '@anshim/platform';
import { DocumentCache } from '../src/subscriptions/document-cache.ts';
import { Downstream, serialized } from '../src/subscriptions/downstream.ts';
import { PushQueue } from '../src/subscriptions/push-queue.ts';

const { buildSchema } = graphqlRuntime;

describe('DocumentCache', () => {
  const schema = buildSchema('type Query { a: Int } type Subscription { ticks(from: Int): Int }');

  it('parses and validates a text once, and hands out the same document after', () => {
    const cache = new DocumentCache();
    const first = cache.check(schema, 'subscription { ticks(from: 1) }');
    const again = cache.check(schema, 'subscription { ticks(from: 1) }');
    expect(first.errors).toBeUndefined();
    expect(again.document).toBe(first.document);
  });

  it('hands out the text it keeps, so a subscription can hold that one instead of its own copy', () => {
    const cache = new DocumentCache();
    const text = ['subscription', '{ ticks(from: 1) }'].join(' ');
    const copy = ['subscription {', 'ticks(from: 1) }'].join(' ');
    const first = cache.check(schema, text);
    const again = cache.check(schema, copy);
    expect(first.query).toBe(text);
    expect(again.query).toBe(text);
  });

  it('answers invalid text with its errors every time, and does not keep it', () => {
    const cache = new DocumentCache();
    expect(cache.check(schema, 'subscription { nope }').errors?.[0]?.message).toMatch(/nope/);
    expect(cache.check(schema, 'subscription {').errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(cache.size).toBe(0);
  });

  it('validates again against a new schema', () => {
    const cache = new DocumentCache();
    const before = cache.check(schema, 'subscription { ticks }');
    const narrower = buildSchema('type Query { a: Int } type Subscription { other: Int }');
    expect(cache.check(narrower, 'subscription { ticks }').errors?.length).toBeGreaterThan(0);
    const back = cache.check(schema, 'subscription { ticks }');
    expect(back.document).not.toBe(before.document);
  });

  it('keeps at most its limit, the least recently used leaving first', () => {
    const cache = new DocumentCache(2);
    const a = cache.check(schema, '{ a }').document;
    cache.check(schema, 'subscription { ticks }');
    cache.check(schema, '{ a }'); // used again: now the most recent
    cache.check(schema, 'subscription { ticks(from: 2) }');
    expect(cache.size).toBe(2);
    expect(cache.check(schema, '{ a }').document).toBe(a);
  });
});

describe('Downstream', () => {
  let server: WebSocketServer;
  let url: string;
  const accepted: WebSocket[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of accepted) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function pair(): Promise<{ client: WebSocket; socket: WebSocket }> {
    const client = new WebSocket(url);
    await new Promise((resolve) => client.once('open', resolve));
    while (accepted.length === 0 || accepted.at(-1)!.readyState !== WebSocket.OPEN) await new Promise((resolve) => setTimeout(resolve, 5));
    return { client, socket: accepted.at(-1)! };
  }

  it('writes the message graphql-ws would write, errors serialized through their toJSON', async () => {
    const { client, socket } = await pair();
    const formatted = { message: 'Nope', extensions: { code: 'FORBIDDEN' } };
    const result = { data: { riskAlerts: { id: '1', note: 'a "quoted" 한글 text' } }, errors: [{ ...formatted, toJSON: () => formatted }] };
    const received = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    expect(new Downstream(socket, 'sub-1', 1024 * 1024).next(result as never)).toBe(true);
    expect(await received).toBe(JSON.stringify({ id: 'sub-1', type: 'next', payload: result }));
    client.close();
  });

  it('serializes one result object once', () => {
    const result = { data: { a: 1 } };
    expect(serialized(result)).toBe(serialized(result));
    expect(serialized(result)).toBe('{"data":{"a":1}}');
  });

  it('closes the socket of a subscriber that does not read once it holds more than the limit, rather than skip events', async () => {
    const { client, socket } = await pair();
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    client.pause();
    const downstream = new Downstream(socket, 'slow', 256 * 1024);
    const big = { data: { blob: 'x'.repeat(64 * 1024) } };
    let sent = 0;
    while (sent < 2_000 && downstream.next(big)) sent++;
    // The kernel's socket buffers take some first; then the limit stops the queue growing.
    expect(sent).toBeLessThan(2_000);
    expect(socket.bufferedAmount).toBeLessThan(256 * 1024 + 128 * 1024);
    expect(socket.readyState).not.toBe(socket.OPEN);
    client.resume();
    expect(await closed).toBe(1013);
  });
});

describe('PushQueue', () => {
  it('hands values to waiting readers in order, buffers up to its limit, and ends every reader', async () => {
    let returned = 0;
    const queue = new PushQueue<number>(() => returned++, 2);
    const first = queue.next();
    const second = queue.next();
    expect(queue.push(1)).toBe(true);
    expect(queue.push(2)).toBe(true);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await second).toEqual({ value: 2, done: false });
    expect(queue.push(3)).toBe(true);
    expect(queue.push(4)).toBe(true);
    expect(queue.push(5)).toBe(false); // over the limit: dropped
    expect(await queue.next()).toEqual({ value: 3, done: false });
    const waiting = [queue.next(), queue.next(), queue.next()];
    queue.end();
    expect(await Promise.all(waiting)).toEqual([{ value: 4, done: false }, { value: undefined, done: true }, { value: undefined, done: true }]);
    expect(queue.push(6)).toBe(false);
    await queue.return();
    expect(returned).toBe(0); // ended by upstream, not returned by the reader
  });

  it('runs onReturn once when the reader goes away, and drops what was buffered', async () => {
    let returned = 0;
    const queue = new PushQueue<number>(() => returned++);
    queue.push(1);
    const pending = queue.next();
    await queue.return();
    await queue.return();
    expect(returned).toBe(1);
    expect(await pending).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });
});
