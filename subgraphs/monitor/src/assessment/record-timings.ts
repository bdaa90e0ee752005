// Where a recordActivity's alert waits before its members see it (issue 23 §5: the monitor's hop,
// createdAt → published, was p50 ≤ 150 ms and p99 ≤ 750 ms at 20 alerts/s), on the operations
// port's /metrics as anshim_alert_record_step_seconds{step}, one series per await:
//   - `audit`: the audit row's own transaction (an ADMIN recording for a member, when no alert carries it);
//   - `prepare`: the contact read ‖ the activity buffer push; `facts`: the rule engine's reads;
//   - `begin`: from asking for the alert's transaction to its first statement (the pool's wait and BEGIN);
//   - `write`: the transaction's statements; `commit`: from the last of them to the commit's answer;
//   - `publish`: the Redis publish to subscribers; `cache_level`: the level cache's write.
// Only recordActivity's path is timed: other services' events assess inside their consumer's batch.
import { stepTimings, type Metrics, type StepTimings } from '@anshim/platform';
import { transaction, type MonitorPrisma, type Tx } from '../database.ts';

export const RECORD_STEPS = ['audit', 'prepare', 'facts', 'begin', 'write', 'commit', 'publish', 'cache_level'] as const;
export type RecordStep = (typeof RECORD_STEPS)[number];
export type RecordTimings = StepTimings<RecordStep>;

export function recordTimings(metrics: Metrics): RecordTimings {
  return stepTimings(metrics, 'anshim_alert_record_step_seconds', 'Time of each await from recordActivity to its alert published, by step', RECORD_STEPS);
}

/** One transaction with its `begin`, `write` and `commit` timed. */
export async function timedTransaction<T>(prisma: MonitorPrisma, timed: RecordTimings, work: (tx: Tx) => Promise<T>): Promise<T> {
  const seconds = (since: number) => (performance.now() - since) / 1000;
  const asked = performance.now();
  let written = 0;
  const result = await transaction(prisma, async (tx) => {
    timed.observe('begin', seconds(asked));
    const started = performance.now();
    const value = await work(tx);
    timed.observe('write', seconds(started));
    written = performance.now();
    return value;
  });
  timed.observe('commit', seconds(written));
  return result;
}
