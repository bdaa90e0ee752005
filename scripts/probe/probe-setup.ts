// What the memory probes (gateway-memory.ts, chat-memory.ts) share before they watch their process:
// their PROBE_* settings and the soak's load, client and subscriptions on a started SoakSystem.
import { mkdirSync } from 'node:fs';
import { SoakClient } from '../lib/soak/client.ts';
import { SoakLoad } from '../lib/soak/load.ts';
import { SoakSubscriptions } from '../lib/soak/subscriptions.ts';
import type { SoakSystem } from '../lib/soak/system.ts';

export interface ProbeSettings {
  /** Where samples, retained.csv and heap snapshots go (PROBE_OUT). */
  out: string;
  /** Seconds from the start at which a heap snapshot is written (PROBE_SNAPSHOTS). */
  snapshotsAt: number[];
  inspectPort: string;
  /** Seconds between kill -9s of other processes (PROBE_KILL_EVERY). */
  killEvery: number;
  log: (line: string) => void;
}

export function probeSettings(defaults: { out: string; snapshots: string; inspectPort: string }): ProbeSettings {
  const out = process.env.PROBE_OUT ?? defaults.out;
  mkdirSync(out, { recursive: true });
  return {
    out,
    snapshotsAt: (process.env.PROBE_SNAPSHOTS ?? defaults.snapshots).split(',').map(Number),
    inspectPort: process.env.PROBE_INSPECT_PORT ?? defaults.inspectPort,
    killEvery: Number(process.env.PROBE_KILL_EVERY ?? 90),
    log: (line: string) => console.log(`${new Date().toISOString()} ${line}`),
  };
}

/** The soak's mixed load against the system's gateway, set up (members, sellers, listings), and a subscription pool to open. */
export async function startProbeLoad(system: SoakSystem, sizes: { concurrency: number; protectedMembers: number }) {
  const client = new SoakClient(() => system.gatewayUrl);
  const load = new SoakLoad(client, { ...sizes, sellers: 8, admin: system.admin, sms: system.sms });
  await load.setup();
  const subs = new SoakSubscriptions(system.gatewayUrl.replace(/^http/, 'ws'));
  return { client, load, subs };
}
