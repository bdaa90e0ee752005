// chainEventHandlers: handler tables of one service written in several files, combined into one.
import { describe, expect, it } from 'vitest';
import { chainEventHandlers, type EventHandlers } from '../../src/events/index.ts';

type Tx = { log: string[] };
const event = { id: 'e', type: 'user.registered' } as never;

describe('chainEventHandlers', () => {
  it('runs every table\'s handler of a type in the order given, in the same transaction, and keeps the others as they are', async () => {
    const first: EventHandlers<'monitor', Tx> = {
      'user.registered': async (_event, tx) => void tx.log.push('copies'),
      'safety.score_changed': async (_event, tx) => void tx.log.push('grade'),
    };
    const second: EventHandlers<'monitor', Tx> = { 'user.registered': async (_event, tx) => void tx.log.push('clusters') };
    const chained = chainEventHandlers(first, second);
    const tx: Tx = { log: [] };
    await chained['user.registered']!(event, tx);
    expect(tx.log).toEqual(['copies', 'clusters']);
    expect(chained['safety.score_changed']).toBe(first['safety.score_changed']);
    expect(chained['user.signed_in']).toBeUndefined();
  });

  it('a failing handler stops the rest and fails the event (its transaction rolls back and it is retried)', async () => {
    const tx: Tx = { log: [] };
    const chained = chainEventHandlers<'monitor', Tx>(
      { 'user.registered': async () => { throw new Error('copies failed'); } },
      { 'user.registered': async (_event, t) => void t.log.push('clusters') },
    );
    await expect(chained['user.registered']!(event, tx)).rejects.toThrow('copies failed');
    expect(tx.log).toEqual([]);
  });
});
