// Is the gateway leaking or warming up? The soak's system and load (scripts/lib/soak/), with the
// gateway run under the inspector and --heapsnapshot-signal, subgraphs (never the gateway) kill -9ed
// underneath every PROBE_KILL_EVERY s (upstream subscriptions reconnect), subscriptions opened and
// closed with a fresh token each time. Writes to PROBE_OUT: samples.csv (RSS, heap used and total,
// every 10 s), retained.csv (heap in use after a full GC, every minute: what a leak grows) and heap
// snapshots at PROBE_SNAPSHOTS seconds and after the load, for scripts/probe/heap-diff.ts.
// PROBE_MINUTES=16 node --import tsx scripts/probe/gateway-memory.ts   (bench/RESULTS.md, "Soak with faults")
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SoakSystem } from '../lib/soak/system.ts';
import { startProcess } from '../../test/support/processes.ts';
import { finishProbe, killInTurn, recordMemory } from './memory-recorder.ts';
import { probeSettings, startProbeLoad } from './probe-setup.ts';

const minutes = Number(process.env.PROBE_MINUTES ?? 15);
const { out, snapshotsAt, inspectPort, killEvery, log } = probeSettings({ out: '/tmp/gateway-memory-probe', snapshots: '180,480,780', inspectPort: '9339' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const system = await SoakSystem.start({ checkInAlertSeconds: 5, log });
// The gateway again, with a heap snapshot on SIGUSR2 (written to cwd as Heap.*.heapsnapshot).
await system.stack.process('gateway').stop();
const gatewayPort = new URL(system.gatewayOrigin).port;
const gateway = await startProcess('gateway', 'gateway/src/index.ts', { ...system.stack.env, SUBGRAPH_URLS: JSON.stringify(system.stack.subgraphUrls), GATEWAY_PORT: gatewayPort }, { nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${out}`, `--inspect=127.0.0.1:${inspectPort}`], timeoutMs: 120_000 });
system.stack.processes.set('gateway', gateway);
log(`gateway pid ${gateway.child.pid} ops ${gateway.operationsUrl}`);

const { client, load, subs } = await startProbeLoad(system, { concurrency: 4, protectedMembers: 4 });
for (const seller of load.sellers.slice(0, 6)) subs.open(seller, { chat: true, alerts: true });
for (const member of load.protectedMembers) subs.open(member, { chat: false, alerts: true });

const recorder = await recordMemory({ process: gateway, inspectPort, out, snapshotsAt, progress: () => client.answers.length, log });
const startedAt = recorder.startedAt;
const until = startedAt + minutes * 60_000;

// Subscription churn: a member's client opens, subscribes, and is disposed after a few seconds, with a fresh token each time.
async function churn(): Promise<void> {
  let i = 0;
  while (Date.now() < until) {
    const member = load.sellers[i++ % load.sellers.length]!;
    try {
      const token = (await client.call<{ login: { accessToken: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: member.email, p: member.password })).login.accessToken;
      await client.call(`query { me { id nickname } myReports { id } riskAlerts { id } }`, {}, token);
      const c: Client = createClient({ url: system.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      c.subscribe({ query: 'subscription { chatMessages { id } }' }, { next() {}, error() {}, complete() {} });
      c.subscribe({ query: 'subscription { myRiskAlerts { id } }' }, { next() {}, error() {}, complete() {} });
      await sleep(3_000);
      await c.dispose();
    } catch { await sleep(1_000); }
  }
}
// kill -9 a subgraph (round robin over those the gateway talks to), never the gateway.
async function chaos(): Promise<void> {
  await killInTurn(system, system.killable().filter((n) => n !== 'gateway' && !n.endsWith('-worker')), killEvery, until, log);
}
const progress = setInterval(() => log(`${Math.round((Date.now() - startedAt) / 1000)} s, ${client.answers.length} answers, ${subs.connects} sub connects`), 60_000);
await Promise.all([load.run(until), churn(), churn(), chaos()]);
clearInterval(progress);
log('load over; idle 60 s then a last snapshot');
await finishProbe(recorder, { client, subs, system }, log);
