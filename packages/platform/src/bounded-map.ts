// The caches of parsed documents, plans, merged queries and verified tokens: a Map that holds at
// most `capacity` entries, so a flood of distinct keys cannot grow a process' memory. Adding past
// the bound forgets the entry added first (a Map iterates in insertion order); a caller that wants
// least-recently-used order re-adds an entry when it is read.
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super();
  }

  /** Sets the entry, first forgetting the oldest one when the map is full. */
  remember(key: K, value: V): this {
    if (this.size >= this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this.set(key, value);
  }
}
