// The soak (scripts/lib/soak/, `npm run soak`) compressed to 3 minutes: every subgraph, the safety
// worker, the gateway and the payment sandbox as real processes on a private PostgreSQL and Redis,
// a mixed load through the gateway (sign-ups, listings, chats, trades, safe payments, reports,
// protected members' check-ins, open subscriptions), and the chaos: one kill -9 of a random service
// process, one Redis restart, one PostgreSQL restart, a 40-second SMS outage. Every invariant of the
// soak report must hold: events consumed by each subscriber, outboxes empty, guardian SMS exactly
// once, the ledger balanced, no dead letters, no 5xx outside the fault windows, flat memory, and
// subscriptions working again; and the load must have reached chat and safe payments.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/lib/soak/run.ts';
import { defaultChaos, soakOptions } from '../../scripts/lib/soak/options.ts';
import type { ScenarioCount } from '../../scripts/lib/soak/load.ts';

const MINUTES = 3;
// Memory: the 30-minute soak holds every process to 2 MB/min over its last 20 minutes. Three minutes
// on a loaded machine are mostly heap warm-up: in runs with no leak known, single processes' slopes
// over the last two minutes went from -29 to +59 MB/min (transaction 43.7 in one CI run, which failed
// a line of 40). So here the line only catches a gross leak: 120 MB/min is over 1 GB in 10 minutes.
const MEMORY_SLOPE_MB_PER_MINUTE = 120;

describe('soak with faults (3 minutes)', () => {
  it('every invariant holds after the load and the chaos', async () => {
    const chaos = defaultChaos(MINUTES, { smsOutageSeconds: 40 });
    expect(chaos.killsAt).toHaveLength(1);
    const result = await runSoak(
      soakOptions({ minutes: MINUTES, concurrency: 3, protectedMembers: 3, subscribers: 4, drainSeconds: 60, memorySampleSeconds: 5, memorySlopeMbPerMinute: MEMORY_SLOPE_MB_PER_MINUTE, seed: Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000), reportPath: 'test-artifacts/soak-faults-report.json', chaos }),
      (line) => console.log(line),
    );
    console.log(result.text);
    // Each invariant by name, so a failure says which one (and the report above says why).
    expect(Object.fromEntries(result.verdicts.map((v) => [v.name, v.ok ? 'ok' : `FAILED: ${v.summary}${v.note ? ` — ${v.note}` : ''}`]))).toEqual(Object.fromEntries(result.verdicts.map((v) => [v.name, 'ok'])));
    // The verdicts hold vacuously over a load that never reached a service: the ledger balances with
    // no payment at all. So the load must have completed chats and safe payments (earlier 3-minute runs:
    // 47 to 212 payments); chat is proven again by the subscription probe (a new message to every listener).
    const load = result.report.load as Record<'chat' | 'payment', ScenarioCount>;
    expect(load.chat.ok, `chat scenarios completed (${load.chat.lastFailures.join(' | ')})`).toBeGreaterThan(0);
    expect(load.payment.ok, `safe payments held and completed (${load.payment.lastFailures.join(' | ')})`).toBeGreaterThan(0);
  }, 600_000);
});
