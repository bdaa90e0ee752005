// Recalculation: load inputs → calculate → store score, history and safety.score_changed in one
// statement, inside the caller's transaction. The same code serves an event (one or two users), the
// admin's synchronous recalculation and a page of the nightly batch (thousands of users).
import type { LocalizedText, SqlExecutor } from '@anshim/platform';
import type { EventPriority } from '@anshim/contracts';
import type { InputsReader, LoadedUser } from '../copies/inputs-reader.ts';
import { messages, noLongerCounts } from '../messages.ts';
import type { Factor, ScoreRecord } from '../model.ts';
import { scoreChangedRow } from '../outbound/safety-events.ts';
import { calculateSafetyScore, nextChangeAt, WEIGHTS, type ScoreResult } from './safety-score.ts';
import type { ScoreRepository, ScoreWrite } from './score-repository.ts';

export interface Cause {
  /** The event type, or admin.recalculate / batch.nightly / schedule.expiry. */
  type: string;
  eventId: string | null;
  priority?: EventPriority;
}

export interface Recalculated {
  record: ScoreRecord;
  previous: ScoreRecord | null;
  /** The value or the grade moved. */
  changed: boolean;
  /** When a time-bound input flips next (schedule a recalculation then). */
  nextChangeAt: Date | null;
  /** What caused the recalculation (event type, admin.recalculate, batch.nightly, ...). */
  cause: string;
}

export interface RecalculateOptions {
  /**
   * 'always' (events, admin): every recalculation is stored and bumps the version; history and
   * score_changed when value or grade moved. 'batch' (nightly): only users whose score, factors or
   * badges changed are written; history and score_changed only for a grade change or a move of
   * at least BATCH_NOTABLE_DELTA points, so the daily drift of account age stays quiet.
   */
  mode: 'always' | 'batch';
  /**
   * Store nothing when score, factors and badges would not move: a report that weighs nothing
   * leaves no trace its target could notice (no new version, no mySafetyScore push).
   */
  skipUnchanged?: boolean;
  now?: Date;
}

export const BATCH_NOTABLE_DELTA = 1;

const round1 = (n: number) => Math.round(n * 10) / 10;
const FIRST_SCORE: Reason = { code: 'FIRST_SCORE', text: messages.firstScore };

/** Why a score moved: the text members read and the factor code it speaks for (who may see it depends on the code). */
export interface Reason {
  code: string;
  text: LocalizedText;
}

export class ScoreRecalculator {
  constructor(private readonly deps: { inputs: InputsReader; scores: ScoreRepository }) {}

  /** Recalculates the given users inside `tx`, holding a per-user lock until the transaction ends. */
  async recalculate(tx: SqlExecutor, userIds: readonly string[], cause: Cause, options: RecalculateOptions): Promise<Recalculated[]> {
    const now = options.now ?? new Date();
    await this.deps.inputs.lockUsers(tx, userIds);
    const loaded = await this.deps.inputs.loadByIds(tx, userIds, now);
    return this.store(tx, loaded, cause, { ...options, now });
  }

  /** Computes and stores already-loaded users (the batch loads pages itself). */
  async store(tx: SqlExecutor, loaded: readonly LoadedUser[], cause: Cause, options: RecalculateOptions & { now: Date }): Promise<Recalculated[]> {
    const { now, mode } = options;
    const writes: ScoreWrite[] = [];
    const pending: Array<Omit<Recalculated, 'record' | 'cause'> & { result: ScoreResult; userId: string }> = [];
    for (const user of loaded) {
      const result = calculateSafetyScore(user.inputs, now);
      const previous = user.current;
      const delta = round1(result.value - (previous?.value ?? WEIGHTS.base));
      const changed = !previous || previous.value !== result.value || previous.grade !== result.grade;
      if ((mode === 'batch' || options.skipUnchanged) && previous && !changed && sameFactors(previous, result)) continue;
      const notable = mode === 'always' ? changed : !previous || previous.grade !== result.grade || Math.abs(delta) >= BATCH_NOTABLE_DELTA;
      const version = (previous?.version ?? 0) + 1;
      writes.push({
        userId: user.userId,
        value: result.value,
        grade: result.grade,
        factors: result.factors,
        badges: result.badges,
        ruleVersion: result.ruleVersion,
        expectedVersion: previous?.version ?? null,
        history: notable ? historyEntry(delta, previous ? reasonFor(previous.factors, result.factors) : FIRST_SCORE, cause) : null,
        event: notable
          ? scoreChangedRow(
              {
                userId: user.userId,
                score: result.value,
                grade: result.grade,
                previousScore: previous?.value ?? null,
                previousGrade: previous?.grade ?? null,
                version,
                cause: cause.type,
                changedAt: now.toISOString(),
              },
              { priority: cause.priority, occurredAt: now },
            )
          : null,
      });
      pending.push({ userId: user.userId, result, previous, changed, nextChangeAt: nextChangeAt(user.inputs, now) });
    }
    const written = await this.deps.scores.write(tx, writes, now);
    return pending.flatMap((p) => {
      const version = written.get(p.userId);
      if (version === undefined) return []; // someone recalculated this user meanwhile: theirs stands
      const record: ScoreRecord = {
        userId: p.userId,
        value: p.result.value,
        grade: p.result.grade,
        factors: p.result.factors,
        badges: p.result.badges,
        ruleVersion: p.result.ruleVersion,
        version,
        updatedAt: now,
      };
      return [{ record, previous: p.previous, changed: p.changed, nextChangeAt: p.nextChangeAt, cause: cause.type }];
    });
  }
}

function historyEntry(delta: number, reason: Reason, cause: Cause): NonNullable<ScoreWrite['history']> {
  return { delta, reason: reason.text, reasonCode: reason.code, cause: cause.type, causeEventId: cause.eventId };
}

/** Field by field: factors come back from jsonb with their keys reordered. */
function sameFactors(previous: ScoreRecord, result: ScoreResult): boolean {
  const sameFactor = (a: Factor, b: Factor) =>
    a.code === b.code && a.contribution === b.contribution && a.description.ko === b.description.ko && a.description.en === b.description.en;
  return (
    previous.ruleVersion === result.ruleVersion &&
    previous.badges.length === result.badges.length &&
    previous.badges.every((badge, i) => badge === result.badges[i]) &&
    previous.factors.length === result.factors.length &&
    previous.factors.every((factor, i) => sameFactor(factor, result.factors[i]!))
  );
}

/**
 * Why the score moved, in plain words: the factor whose contribution changed most. A factor that
 * appeared or grew speaks with its own description; one that went away says it no longer counts.
 */
export function reasonFor(before: readonly Factor[], after: readonly Factor[]): Reason {
  const old = new Map(before.map((f) => [f.code, f]));
  const now = new Map(after.map((f) => [f.code, f]));
  let best: { factor: Factor; gone: boolean; size: number } | undefined;
  for (const code of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(code);
    const b = now.get(code);
    const size = Math.abs((b?.contribution ?? 0) - (a?.contribution ?? 0));
    const appeared = !a && b !== undefined; // a cap with 0 contribution still explains a change
    if (size === 0 && !appeared) continue;
    const candidate = b ? { factor: b, gone: false, size } : { factor: a!, gone: true, size };
    if (!best || candidate.size > best.size) best = candidate;
  }
  if (!best) return { code: 'RECALCULATED', text: messages.recalculated };
  if (!best.gone) return { code: best.factor.code, text: best.factor.description };
  return { code: best.factor.code, text: noLongerCounts(best.factor.description) };
}
