// One conversation's pushes leave in the order their places were reserved (commit order), whatever
// order the commits report back in; a cancelled place is skipped; conversations do not wait on each other.
import { describe, expect, it } from 'vitest';
import { OrderedDelivery } from '../src/messaging/ordered-delivery.ts';
import { decodeCursor, encodeCursor } from '../src/messaging/cursor.ts';

describe('OrderedDelivery', () => {
  it('publishes in reservation order even when later sends are released first, skipping cancelled places', async () => {
    const delivery = new OrderedDelivery();
    const published: string[] = [];
    const publish = (name: string) => async () => void published.push(name);
    const a = delivery.reserve('c1');
    const b = delivery.reserve('c1');
    const cancelled = delivery.reserve('c1');
    const c = delivery.reserve('c1');
    const other = delivery.reserve('c2');
    const done = [c.release(publish('c')), b.release(publish('b'))];
    cancelled.cancel();
    await other.release(publish('other'));
    expect(published).toEqual(['other']);
    await a.release(publish('a'));
    await Promise.all(done);
    expect(published).toEqual(['other', 'a', 'b', 'c']);
  });

  it("gives each place its turn to write once the place before it wrote or gave up, per conversation", async () => {
    const delivery = new OrderedDelivery();
    const order: string[] = [];
    const a = delivery.reserve('c');
    const b = delivery.reserve('c');
    const c = delivery.reserve('c');
    const other = delivery.reserve('d');
    void b.turn.then(() => order.push('b'));
    void c.turn.then(() => order.push('c'));
    await a.turn;
    await other.turn;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    const released = a.release(async () => undefined);
    await b.turn;
    expect(order).toEqual(['b']);
    b.cancel();
    await c.turn;
    expect(order).toEqual(['b', 'c']);
    await Promise.all([released, c.release(async () => undefined), other.release(async () => undefined)]);
  });

  it('keeps going after a publish fails', async () => {
    const delivery = new OrderedDelivery();
    const first = delivery.reserve('c');
    const second = delivery.reserve('c');
    let ran = false;
    await Promise.all([first.release(() => Promise.reject(new Error('redis down'))), second.release(async () => void (ran = true))]);
    expect(ran).toBe(true);
  });
});

describe('message cursors', () => {
  it('round-trips a seq and refuses anything else with BAD_USER_INPUT', () => {
    expect(decodeCursor(encodeCursor(42n))).toBe(42n);
    for (const bad of ['', '!!', 'bXNnOg', Buffer.from('msg:-1').toString('base64url'), Buffer.from('msg:01').toString('base64url'), Buffer.from('seq:5').toString('base64url'), 'x'.repeat(100)]) {
      expect(() => decodeCursor(bad), bad).toThrowError(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    }
  });
});
