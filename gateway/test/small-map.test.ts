import { describe, expect, it } from 'vitest';
import { SmallMap, SmallSet } from '../src/subscriptions/small-map.ts';

describe('SmallMap', () => {
  it('behaves as a Map through one entry, growing into one on the second', () => {
    const map = new SmallMap<string, number>();
    expect([map.size, map.get('a'), map.values()]).toEqual([0, undefined, []]);
    map.set('a', 1).set('a', 2);
    expect([map.size, map.get('a'), map.get('b'), map.values()]).toEqual([1, 2, undefined, [2]]);
    map.set('b', 3);
    expect([map.size, map.get('a'), map.get('b'), map.values()]).toEqual([2, 2, 3, [2, 3]]);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect([map.size, map.values()]).toEqual([1, [3]]);
    map.clear();
    expect([map.size, map.values()]).toEqual([0, []]);
  });

  it('deletes its only entry by key alone, and a set can change while its values are gone through', () => {
    const set = new SmallSet<object>();
    const [x, y] = [{}, {}];
    expect(set.delete(x)).toBe(false);
    set.add(x);
    expect(set.delete(y)).toBe(false);
    set.add(y);
    for (const value of set.values()) set.delete(value);
    expect(set.size).toBe(0);
  });
});
