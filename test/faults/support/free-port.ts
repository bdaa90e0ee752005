// Pre-picked ports come from one place (below the ephemeral range, so nothing else takes them meanwhile).
export { freePort } from '../../support/free-port.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `accept` holds; fails with the last value (or error) seen. */
export async function waitUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (accept(value)) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 500)}`);
    await sleep(everyMs);
  }
}
