// The services on a restored database, as an operator brings them back after a point-in-time
// restore: a Redis prefix of their own (the old queues hold events of a future the copy never saw,
// and BullMQ would swallow a re-sent event whose id it completed there), the events published
// shortly before the target handed to the relays again, and the system answering members.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type pg from 'pg';
import { consumerQueueName, queuePrefix } from '@anshim/platform';
import type { SubgraphName } from '@anshim/contracts';
import { ownerUrls, startTiers } from '../../../test/support/owners.ts';
import { startProcess, type StartedProcess } from '../../../test/support/processes.ts';
import { checkOutbox } from './invariants.ts';
import { gql, signIn, until, type RoundResult } from './traffic.ts';

const START_TIMEOUT_MS = 300_000;

export interface RestoredSystem {
  gatewayUrl: string;
  env: Record<string, string>;
}

/** Starts `subgraphs` (owners first) and a gateway on `databaseUrl` with a fresh Redis prefix; every process goes into `started`. */
export async function startOnRestored(baseEnv: Record<string, string>, databaseUrl: string, subgraphs: string[], started: StartedProcess[]): Promise<RestoredSystem> {
  const env = { ...baseEnv, DATABASE_URL: databaseUrl, REDIS_PREFIX: `anshim_restored_${randomBytes(3).toString('hex')}`, GATEWAY_PORT: '0' };
  const urls: Record<string, string> = {};
  for (const tier of startTiers(subgraphs)) {
    const results = await Promise.allSettled(
      tier.map((name) => startProcess(`restored-${name}`, `subgraphs/${name}/src/index.ts`, { ...ownerUrls(name, urls), ...env, [`${name.toUpperCase()}_PORT`]: '0' }, { timeoutMs: START_TIMEOUT_MS })),
    );
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    tier.forEach((name, i) => (urls[name] = `http://127.0.0.1:${(results[i] as PromiseFulfilledResult<StartedProcess>).value.port}/graphql`));
  }
  const gateway = await startProcess('restored-gateway', 'gateway/src/index.ts', { ...env, SUBGRAPH_URLS: JSON.stringify(urls) }, { timeoutMs: START_TIMEOUT_MS });
  started.push(gateway);
  return { gatewayUrl: `http://127.0.0.1:${gateway.port}/graphql`, env };
}

/**
 * Waits until the re-sent events are relayed (no unsent row in the running services' outboxes)
 * and their consumers' queues are idle; returns how many deliveries the queues completed.
 */
export async function resentEventsSettled(copy: pg.Client, system: RestoredSystem, consumers: string[]): Promise<number> {
  await until('the re-sent events relayed', async () => ((await checkOutbox(copy)).unsent === 0 ? true : undefined), 60_000);
  const connection = { url: system.env.REDIS_URL! };
  const settings = { url: system.env.REDIS_URL!, prefix: system.env.REDIS_PREFIX! };
  const queues = consumers.map((name) => consumerQueueName(name as SubgraphName)).map((name) => new Queue(name, { connection, prefix: queuePrefix(settings, name) }));
  try {
    return await until('the consumers to apply or skip every re-sent event', async () => {
      let pending = 0;
      let completed = 0;
      for (const queue of queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
        pending += (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
        completed += counts.completed ?? 0;
        if (counts.failed) throw new Error(`${queue.name}: ${counts.failed} re-sent events failed`);
      }
      return pending === 0 ? completed : undefined;
    }, 60_000);
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

/** A member from before the target signs in and reads their held payment; a member from after it does not exist. */
export async function membersAnswer(gatewayUrl: string, before: RoundResult, after: RoundResult): Promise<string> {
  // emails[0] is the round's seller, emails[2] the buyer of its second trade, whose payment is held.
  const buyerEmail = before.emails[2]!;
  const token = await signIn(gatewayUrl, buyerEmail);
  if (!token) throw new Error(`${buyerEmail} (written before the target) cannot sign in`);
  const heldId = before.heldPaymentIds[0]!;
  const { payment } = await gql<{ payment: { status: string } | null }>(gatewayUrl, 'query($id: ID!) { payment(id: $id) { status } }', { id: heldId }, token);
  if (payment?.status !== 'HELD') throw new Error(`payment ${heldId} answers ${JSON.stringify(payment)}, not HELD`);
  const lateEmail = after.emails[0]!;
  if (await signIn(gatewayUrl, lateEmail)) throw new Error(`${lateEmail} (written after the target) signed in`);
  return `${buyerEmail} signed in and read held payment ${heldId.slice(0, 8)}…; ${lateEmail} (after the target) unknown`;
}
