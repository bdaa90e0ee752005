// How a score is found for reading: the Redis cache first, then PostgreSQL (filling the cache),
// then, for a member not scored yet, the starting score computed from whatever inputs exist (not
// stored). The per-request score loader batches every lookup of a request through here.
import { distinctUuids, type SqlExecutor } from '@anshim/platform';
import type { InputsReader } from '../copies/inputs-reader.ts';
import type { ScoreRecord } from '../model.ts';
import { calculateSafetyScore, EMPTY_INPUTS } from './safety-score.ts';
import type { ScoreCache } from './score-cache.ts';
import type { ScoreRepository } from './score-repository.ts';

export interface ScoreLookupDeps {
  cache: ScoreCache;
  scores: ScoreRepository;
  inputs: InputsReader;
  sql: SqlExecutor;
}

export class ScoreLookup {
  constructor(private readonly deps: ScoreLookupDeps) {}

  /** One score per id, in order, never missing: one cache round trip and at most two queries. */
  async load(ids: readonly string[]): Promise<ScoreRecord[]> {
    const valid = distinctUuids(ids);
    const found = await this.deps.cache.getMany(valid);
    const misses = valid.filter((id) => !found.has(id));
    if (misses.length) {
      const stored = await this.deps.scores.findByIds(misses);
      for (const record of stored) found.set(record.userId, record);
      void this.deps.cache.fill(stored);
    }
    const unscored = valid.filter((id) => !found.has(id));
    if (unscored.length) {
      // Not scored yet: the starting score from whatever inputs exist, computed, not stored.
      const now = new Date();
      for (const user of await this.deps.inputs.loadByIds(this.deps.sql, unscored, now)) {
        found.set(user.userId, initialScore(user.userId, calculateSafetyScore(user.inputs, now), now));
      }
    }
    const now = new Date();
    return ids.map((id) => found.get(id) ?? initialScore(id, calculateSafetyScore(EMPTY_INPUTS, now), now));
  }
}

function initialScore(userId: string, result: ReturnType<typeof calculateSafetyScore>, now: Date): ScoreRecord {
  return { userId, value: result.value, grade: result.grade, factors: result.factors, badges: result.badges, ruleVersion: result.ruleVersion, version: 0, updatedAt: now };
}
