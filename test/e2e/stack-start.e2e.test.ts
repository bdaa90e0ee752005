// The e2e harness's start: instances start side by side, and a start that fails leaves nothing
// running. Processes are found by a marker in their environment (/proc/<pid>/environ), which every
// child and grandchild inherits, so the check does not depend on who their parent is by then.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphql, startStack } from '../support/stack.ts';
import { startProcess } from '../support/processes.ts';

const MARKER = 'ANSHIM_STACK_START_MARKER';

/** Live processes carrying the marker (a zombie's environ reads empty, so the dead do not count). */
function marked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`${MARKER}=${marker}`)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return found;
}

/** Watches the marked processes while `work` runs: every pid seen, and the most alive at once. */
async function watching<T>(marker: string, work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; seen: Set<number>; most: number }> {
  const seen = new Set<number>();
  let most = 0;
  const look = () => {
    const now = marked(marker);
    now.forEach((pid) => seen.add(pid));
    most = Math.max(most, now.length);
  };
  const timer = setInterval(look, 20);
  const [outcome] = await Promise.allSettled([work()]);
  clearInterval(timer);
  look();
  return { outcome: outcome!, seen, most };
}

describe('starting processes for tests', () => {
  it('a process that never gets ready is killed with what it spawned before the start rejects', async () => {
    const marker = randomBytes(6).toString('hex');
    const { outcome, seen } = await watching(marker, () => startProcess('never-ready', 'test/support/fixtures/never-ready.mjs', { [MARKER]: marker }, { timeoutMs: 1_500 }));
    expect(outcome.status).toBe('rejected');
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/never-ready did not start within 1500 ms/);
    expect(seen.size, 'the process and its child both ran').toBeGreaterThanOrEqual(2);
    expect(marked(marker), 'nothing left alive when the promise rejected').toEqual([]);
  });

  it('a stack that times out starting two instances at once kills every process it started before rejecting', async () => {
    const marker = randomBytes(6).toString('hex');
    // 100 ms: no subgraph is listening that soon, so the first tier of both instances times out.
    const { outcome, seen, most } = await watching(marker, () =>
      startStack({ subgraphs: ['user', 'transaction', 'monitor'], workers: ['safety'], instances: 2, startTimeoutMs: 100, env: { [MARKER]: marker } }),
    );
    expect(outcome.status).toBe('rejected');
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/user(#2)? did not start within 100 ms/);
    expect(most, 'both instances were starting at once').toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(marked(marker), 'no process left alive').toEqual([]);
  }, 60_000);

  it('two instances start side by side, answer, and stop completely', async () => {
    const marker = randomBytes(6).toString('hex');
    const stack = await startStack({ subgraphs: ['user'], instances: 2, env: { [MARKER]: marker } });
    try {
      expect(stack.gatewayUrls).toHaveLength(2);
      expect(marked(marker)).toHaveLength(4); // two user services, two gateways
      for (const url of stack.gatewayUrls) {
        const answer = await graphql<{ __typename: string }>(url, '{ __typename }');
        expect(answer.body.data?.__typename).toBe('Query');
      }
    } finally {
      await stack.stop();
    }
    expect(marked(marker)).toEqual([]);
  }, 120_000);
});
