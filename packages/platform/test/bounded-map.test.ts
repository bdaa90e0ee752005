// BoundedMap: the bound every cache of documents, plans and tokens relies on.
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../src/bounded-map.ts';

describe('BoundedMap', () => {
  it('holds at most its capacity, forgetting the entry added first', () => {
    const map = new BoundedMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.remember(key, i);
    expect(map.size).toBe(3);
    expect([...map.keys()]).toEqual(['c', 'd', 'e']);
    expect(map.get('e')).toBe(4);
  });

  it('keeps read order when the caller re-adds what it reads (least recently used goes first)', () => {
    const map = new BoundedMap<string, number>(2);
    map.remember('a', 1).remember('b', 2);
    map.delete('a');
    map.remember('a', 1); // 'a' was read: now the newest
    map.remember('c', 3);
    expect([...map.keys()]).toEqual(['a', 'c']);
  });
});
