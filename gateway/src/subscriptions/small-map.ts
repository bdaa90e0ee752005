// A map that holds its only entry without a Map. At city size nearly every upstream subscription
// has one group and every group one subscriber (every member's subscriptions are its own), and a
// Map or Set with its hash table costs 150–300 bytes: 20,000 of each were about a tenth of what a
// subscription kept (bench/RESULTS.md "City size"). Shared subscriptions grow into a real Map.
export class SmallMap<K, V> {
  private onlyKey: K | undefined;
  private onlyValue: V | undefined;
  private hasOnly = false;
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map ? this.map.size : this.hasOnly ? 1 : 0;
  }

  get(key: K): V | undefined {
    if (this.map) return this.map.get(key);
    return this.hasOnly && this.onlyKey === key ? this.onlyValue : undefined;
  }

  set(key: K, value: V): this {
    if (this.map) this.map.set(key, value);
    else if (!this.hasOnly || this.onlyKey === key) {
      this.onlyKey = key;
      this.onlyValue = value;
      this.hasOnly = true;
    } else {
      this.map = new Map([[this.onlyKey as K, this.onlyValue as V], [key, value]]);
      this.forgetOnly();
    }
    return this;
  }

  delete(key: K): boolean {
    // Once grown it stays a Map: sharing that happened once tends to happen again.
    if (this.map) return this.map.delete(key);
    if (!this.hasOnly || this.onlyKey !== key) return false;
    this.forgetOnly();
    return true;
  }

  clear(): void {
    this.map = undefined;
    this.forgetOnly();
  }

  /** The values as they are now: the map may change while the caller goes through them. */
  values(): V[] {
    if (this.map) return [...this.map.values()];
    return this.hasOnly ? [this.onlyValue as V] : [];
  }

  private forgetOnly(): void {
    this.onlyKey = undefined;
    this.onlyValue = undefined;
    this.hasOnly = false;
  }
}

/** SmallMap as a set. */
export class SmallSet<T> extends SmallMap<T, T> {
  add(value: T): this {
    return this.set(value, value);
  }
}
