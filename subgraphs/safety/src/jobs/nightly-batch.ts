// The nightly recalculation of everyone, set-based: each page of users is read with one statement
// (inputs and current score together) and written with one statement (scores, history rows and
// score_changed outbox rows), never one round trip per user. Users whose score, factors and badges
// did not change are not written at all.
import type { Logger } from '@anshim/platform';
import type { SafetyCore } from '../safety-core.ts';

export interface BatchResult {
  users: number;
  written: number;
  notable: number;
  seconds: number;
}

export interface BatchOptions {
  batchSize: number;
  now?: Date;
  logger?: Logger;
  /** Cause recorded on history rows and events. */
  cause?: string;
}

export async function recalculateEveryone(core: SafetyCore, options: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const cause = { type: options.cause ?? 'batch.nightly', eventId: null, priority: 'low' as const };
  let users = 0;
  let written = 0;
  let notable = 0;
  const load = (after: string | null) => core.inputs.loadPage(core.sql, after, options.batchSize, now);
  // Three stages overlap: the next page is read while this one is computed and written, and the
  // previous page's cache write-through runs meanwhile too.
  let next = load(null);
  let publishing: Promise<void> = Promise.resolve();
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    next = load(page.at(-1)!.userId);
    next.catch(() => undefined); // awaited on the next turn; avoid an unhandled rejection meanwhile
    const results = await core.sql.$transaction((tx) => core.recalculator.store(tx, page, cause, { mode: 'batch', now }), { timeout: 120_000 });
    await publishing;
    publishing = core.published(results);
    users += page.length;
    written += results.length;
    notable += results.filter((r) => r.changed).length;
    options.logger?.debug({ users, written }, 'nightly recalculation progress');
  }
  await publishing;
  const seconds = (performance.now() - started) / 1000;
  options.logger?.info({ users, written, notable, seconds: Math.round(seconds * 10) / 10 }, 'nightly recalculation done');
  return { users, written, notable, seconds };
}
