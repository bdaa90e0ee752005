// Where a sendMessage's time goes, on the operations port's /metrics (issue 18: at 100/s the
// screened sends waited hundreds of milliseconds although screening itself computes in well under
// one). Two histograms, both cheap (a clock read and a bucket increment per step):
//   - anshim_chat_send_step_seconds{step}: each await on the send path: `facts` (the one read),
//     `rate_limit` (Redis), `screen` (detectors plus any registry lookup), `registry` (the lookup
//     alone, only for a candidate identifier the facts read did not answer: one the recent texts make), `turn` (waiting for the conversation's
//     earlier sends in this process), `store` (the one write), `publish` (Redis, after the commit);
//   - anshim_chat_db_pool_wait_seconds{use} and anshim_chat_db_pool_hold_seconds{use}: from asking
//     chat's PostgreSQL pool for a connection to getting one, and from then to giving it back, for
//     every user of the pool: `statement` (one query: the send's, Prisma's plain queries, reads) or
//     `transaction` (Prisma's interactive transactions: event consumers, the outbox relay). A send
//     that waits for a connection waits behind whatever holds them.
import { labelledDurationHistogram, STEP_BUCKETS, stepTimings, untimedSteps, type Metrics, type StepTimings } from '@anshim/platform';
import { observePool, type ChatPrisma, type PoolUse } from '../database.ts';

export const SEND_STEPS = ['facts', 'rate_limit', 'screen', 'registry', 'turn', 'store', 'publish'] as const;
export type SendStep = (typeof SEND_STEPS)[number];

/** Times one step of a send (kept whether the step succeeded or threw). */
export type SendTimings = StepTimings<SendStep>;

/** For callers that measure nothing (tests building the service by hand). */
export const untimed: SendTimings = untimedSteps;

export function sendTimings(metrics: Metrics): SendTimings {
  return stepTimings(metrics, 'anshim_chat_send_step_seconds', 'Time of each await on the sendMessage path, by step', SEND_STEPS, STEP_BUCKETS);
}

/** Exports the pool's connection waits and holds as anshim_chat_db_pool_{wait,hold}_seconds{use}. */
export function exportPoolTimes(prisma: ChatPrisma, metrics: Metrics): void {
  const uses: PoolUse[] = ['statement', 'transaction'];
  const waited = labelledDurationHistogram(metrics, 'anshim_chat_db_pool_wait_seconds', "Time from asking chat's PostgreSQL pool for a connection to getting one, by use", 'use', uses, STEP_BUCKETS);
  const held = labelledDurationHistogram(metrics, 'anshim_chat_db_pool_hold_seconds', "Time a connection of chat's PostgreSQL pool is held, by use (statement: one query; transaction: Prisma's interactive transactions)", 'use', uses, STEP_BUCKETS);
  observePool(prisma, { waited: (seconds, use) => waited.observe({ use }, seconds), held: (seconds, use) => held.observe({ use }, seconds) });
}
