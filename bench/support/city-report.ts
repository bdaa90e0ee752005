// What bench/subscription-city.ts prints per layout: deliveries and latency per kind, then each
// gateway's memory from idle to the end with the bytes each subscription costs, and the CPU.

export interface KindStats {
  /** Deliveries due: one per alert or message whose send succeeded (each to its one recipient). */
  due: number;
  failedSends: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface GatewayMemory {
  subscriptions: number;
  idleRssMb: number;
  idleHeapMb: number;
  /** Every member connected and subscribed, before the warm-up. */
  connectedRssMb: number;
  connectedHeapMb: number;
  rssMb: number;
  /** The highest RSS the process reached (VmHWM), start-up and warm-up included. */
  peakRssMb: number;
  heapMb: number;
  cpuPercent: number;
}

/** One timed hop of the deliveries over the measured window (p50/p99: upper bounds of histogram buckets). */
export interface DeliveryHop {
  name: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
  /** From the histogram's sum, when read (monitor's record steps: they add up, the bounds do not). */
  meanMs?: number;
}

export interface CityResult {
  /** Gateways the members were split over. */
  layout: number;
  members: number;
  subscriptions: number;
  /** Member channels the subgraphs held live before measuring (of `subscriptions`). */
  live: number;
  alert: KindStats;
  message: KindStats;
  p50Ms: number;
  p99Ms: number;
  hops: DeliveryHop[];
  gateways: GatewayMemory[];
  gatewayCpuMsPerDelivery: number;
  monitorCpuPercent: number;
  chatCpuPercent: number;
  chatCpuMsPerMessage: number;
  /** Monitor CPU over the window per alert raised plus message sent (a message may announce a contact: chat.contact_observed). */
  monitorCpuMsPerEvent: number;
  /** The whole machine over the window: the share of its cores busy (every process), and PostgreSQL's, Redis' and user's % of one core. */
  machine: { coresBusy: number; postgresPercent: number; redisPercent: number; userPercent: number };
  load: number;
}

const MB = 1024 * 1024;
const round = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : '–');

/** Bytes per subscription between two MB figures. */
export function bytesPer(fromMb: number, toMb: number, subscriptions: number): number {
  return ((toMb - fromMb) * MB) / Math.max(1, subscriptions);
}

export function printCity(r: CityResult): void {
  const kind = (name: string, s: KindStats) =>
    `${name} ${s.delivered}/${s.due}${s.failedSends ? ` (${s.failedSends} sends failed)` : ''} p50 ${round(s.p50Ms)} ms, p99 ${round(s.p99Ms)} ms, max ${round(s.maxMs)} ms`;
  console.log(`${r.layout} gateway(s), ${r.members} members, ${r.subscriptions} subscriptions (${r.live} live): ${kind('alerts', r.alert)}; ${kind('messages', r.message)}; all p50 ${round(r.p50Ms)} ms, p99 ${round(r.p99Ms)} ms (load ${r.load.toFixed(2)})`);
  for (const hop of r.hops) {
    const mean = hop.meanMs === undefined ? '' : `, mean ${hop.meanMs.toFixed(1)} ms`;
    console.log(`  hop ${hop.name}: ${hop.count} timed, p50 ≤ ${round(hop.p50Ms)} ms, p99 ≤ ${round(hop.p99Ms)} ms${mean}`);
  }
  r.gateways.forEach((g, k) => {
    console.log(
      `  gateway ${k + 1}: ${g.subscriptions} subscriptions; RSS idle ${round(g.idleRssMb)} → connected ${round(g.connectedRssMb)} → end ${round(g.rssMb)} MB, peak ${round(g.peakRssMb)} MB ` +
        `(heap ${round(g.idleHeapMb)} → ${round(g.connectedHeapMb)} → ${round(g.heapMb)} MB); per subscription RSS ${round(bytesPer(g.idleRssMb, g.rssMb, g.subscriptions))} B ` +
        `(${round(bytesPer(g.idleRssMb, g.connectedRssMb, g.subscriptions))} B connected), heap ${round(bytesPer(g.idleHeapMb, g.heapMb, g.subscriptions))} B; CPU ${g.cpuPercent}%`,
    );
  });
  console.log(
    `  gateway CPU ${r.gatewayCpuMsPerDelivery.toFixed(2)} ms per delivery (all gateways, the sends' HTTP requests included); chat CPU ${r.chatCpuPercent}% (${r.chatCpuMsPerMessage.toFixed(2)} ms per message), ` +
      `monitor CPU ${r.monitorCpuPercent}% (${r.monitorCpuMsPerEvent.toFixed(2)} ms per alert or message event)`,
  );
  const m = r.machine;
  console.log(`  machine: ${round(m.coresBusy * 100)}% of its cores busy over the window (every process); PostgreSQL ${round(m.postgresPercent)}%, Redis ${round(m.redisPercent)}%, user ${round(m.userPercent)}% of a core`);
  if (r.layout === 1) {
    const rss = r.gateways[0]!.rssMb;
    const met = r.p99Ms <= 250 && rss <= 400 && r.alert.delivered >= r.alert.due && r.message.delivered >= r.message.due;
    console.log(`  target (${r.subscriptions} on one gateway: p99 ≤ 250 ms, RSS at the end ≤ 400 MB, nothing lost): ${met ? 'met' : 'NOT met'} (p99 ${round(r.p99Ms)} ms, RSS ${round(rss)} MB)`);
  }
}
