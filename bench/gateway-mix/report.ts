// gateway-mix's figures: per workload and peer, over all rounds, with the ratio of each peer's
// req/s to the best peer's in that workload (the best is 1.00×), printed side by side and
// written as JSON to bench/out/gateway-mix.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { MixLoadResult } from './load.ts';
import type { Peer, PeerName } from './peers.ts';
import { WORKLOAD_LABELS, type WorkloadName } from './workloads.ts';

export interface RoundMeasure extends MixLoadResult {
  workload: WorkloadName;
  peer: PeerName;
  round: number;
  gatewayCpuMs: number;
  subgraphCpuMs: number;
}

export interface Summary {
  workload: WorkloadName;
  peer: PeerName;
  label: string;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  gatewayCpuMsPerRequest: number;
  subgraphCpuMsPerRequest: number;
  ratioToBest: number;
  perRound: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export function summarize(measures: RoundMeasure[], peers: Peer[], workloads: WorkloadName[]): Summary[] {
  const summaries: Summary[] = [];
  for (const workload of workloads) {
    const rows = peers.map((peer) => {
      const mine = measures.filter((m) => m.workload === workload && m.peer === peer.name);
      const requests = mine.reduce((sum, m) => sum + m.requests, 0);
      const seconds = mine.reduce((sum, m) => sum + m.seconds, 0);
      return {
        workload,
        peer: peer.name,
        label: peer.label,
        requests,
        errors: mine.reduce((sum, m) => sum + m.errors, 0),
        requestsPerSecond: requests / Math.max(seconds, 1e-9),
        p50Ms: median(mine.map((m) => m.p50Ms)),
        p99Ms: median(mine.map((m) => m.p99Ms)),
        gatewayCpuMsPerRequest: mine.reduce((sum, m) => sum + m.gatewayCpuMs, 0) / Math.max(1, requests),
        subgraphCpuMsPerRequest: mine.reduce((sum, m) => sum + m.subgraphCpuMs, 0) / Math.max(1, requests),
        ratioToBest: 0,
        perRound: mine.map((m) => Math.round(m.requestsPerSecond)),
      };
    });
    const best = Math.max(...rows.map((r) => r.requestsPerSecond));
    for (const row of rows) summaries.push({ ...row, ratioToBest: row.requestsPerSecond / best });
  }
  return summaries;
}

export interface MixSettings {
  members: number;
  listings: number;
  trades: number;
  conversations: number;
  tokens: number;
  connections: number;
  rounds: number;
  seconds: number;
  seed: number;
}

export function printTable(summaries: Summary[], settings: MixSettings): void {
  const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
  console.log(
    `\ngateway-mix: ${settings.members} members, ${settings.listings} listings, ${settings.trades} trades, ${settings.conversations} conversations, ` +
      `${settings.tokens} signed-in members; ${settings.connections} connections, ${settings.rounds} alternating round(s) × ${settings.seconds} s per workload and peer; load ${one} ${five} ${fifteen}`,
  );
  const header = `${'workload'.padEnd(24)}${'peer'.padEnd(34)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'gw CPU ms/req'.padStart(15)}${'subgraph CPU'.padStart(14)}${'vs best'.padStart(9)}   per round req/s`;
  console.log(header);
  let previous: WorkloadName | undefined;
  for (const s of summaries) {
    const name = s.workload === previous ? '' : WORKLOAD_LABELS[s.workload];
    previous = s.workload;
    console.log(
      `${name.padEnd(24)}${s.label.padEnd(34)}${s.requestsPerSecond.toFixed(0).padStart(8)}${s.p50Ms.toFixed(2).padStart(9)}${s.p99Ms.toFixed(2).padStart(9)}` +
        `${String(s.errors).padStart(8)}${s.gatewayCpuMsPerRequest.toFixed(2).padStart(15)}${s.subgraphCpuMsPerRequest.toFixed(2).padStart(14)}${`${s.ratioToBest.toFixed(2)}×`.padStart(9)}   ${s.perRound.join(' ')}`,
    );
  }
}

export function writeJson(summaries: Summary[], measures: RoundMeasure[], settings: MixSettings, seeding: Record<string, unknown>): string {
  const dir = new URL('../out/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('gateway-mix.json', dir);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), loadavg: loadavg(), settings, seeding, summaries, rounds: measures }, null, 2));
  return file.pathname;
}
