// Open graphql-ws connections cost memory and a Redis check per operation, so one address (an
// IPv6 client's /64) or one member may hold only so many at once on a gateway; the next one is
// closed with 4429 and a reason saying which cap it hit. Counted per gateway process: a socket
// lives on exactly one, and a count that dies with its process never leaks.

export interface ConnectionCapSettings {
  perAddress: number;
  perMember: number;
}

class Counter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes one place for `key`, or null when it is full; the returned function gives it back (once). */
  take(key: string): (() => void) | null {
    const current = this.counts.get(key) ?? 0;
    if (current >= this.max) return null;
    this.counts.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}

export class ConnectionCaps {
  private readonly addresses: Counter;
  private readonly members: Counter;

  constructor(readonly settings: ConnectionCapSettings) {
    this.addresses = new Counter(settings.perAddress);
    this.members = new Counter(settings.perMember);
  }

  /** A place for a new socket from this address bucket, or null (close it). */
  admitAddress(bucket: string): (() => void) | null {
    return this.addresses.take(bucket);
  }

  /** A place for one more signed-in connection of this member, or null (close it). */
  admitMember(userId: string): (() => void) | null {
    return this.members.take(userId);
  }
}
