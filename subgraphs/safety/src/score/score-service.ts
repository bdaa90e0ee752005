// The score's rules for readers: who may read which factors and history entries, the display in the
// request's language, the member's own live channel, and the ADMIN's recalculation (in one
// transaction with its audit entry).
import { channelIterator, isUuid, requireAdmin, requireIdentity, type Logger, type RedisChannelHub, type SqlExecutor, type TransactionalSqlClient } from '@anshim/platform';
import type { AuditRepository } from '../audit/audit-repository.ts';
import type { Factor, ScoreChangeRecord, ScoreRecord } from '../model.ts';
import { pageSize, type RequestScope } from '../scope.ts';
import { badField } from '../validation.ts';
import { publicChange, publicFactors, seesEverything } from './factor-visibility.ts';
import { buildDisplay, type SafetyDisplay } from './safety-display.ts';
import { parseScore, scoreChannel } from './score-cache.ts';
import type { Recalculated, ScoreRecalculator } from './score-recalculator.ts';
import type { ScoreRepository } from './score-repository.ts';

export interface ScoreServiceDeps {
  sql: TransactionalSqlClient<SqlExecutor>;
  scores: ScoreRepository;
  recalculator: ScoreRecalculator;
  audit: AuditRepository;
  /** After a recalculation committed: cache write-through, channel push, outbox relay nudge. */
  published: (results: Recalculated[]) => Promise<void>;
  logger: Logger;
  /** The process' shared Redis subscriber; only the subgraph (not the workers) has one. */
  hub?: RedisChannelHub;
}

export class ScoreService {
  constructor(private readonly deps: ScoreServiceDeps) {}

  score(ctx: RequestScope, userId: string): Promise<ScoreRecord> {
    return ctx.loaders.score.load(userId);
  }

  async display(ctx: RequestScope, userId: string): Promise<SafetyDisplay> {
    const score = await this.score(ctx, userId);
    return buildDisplay(score, ctx.locale);
  }

  /**
   * Every path to a SafetyScore (User.safetyScore, mySafetyScore, the admin's recalculation) reads
   * its factors here: the member and ADMINs get all of them, anyone else the public view.
   */
  factors(ctx: RequestScope, score: ScoreRecord): Factor[] {
    return seesEverything(ctx.identity, score.userId) ? score.factors : publicFactors(score.factors);
  }

  /** Newest first; for anyone but the member and ADMINs, entries with a private reason or cause say only "under review". */
  async history(ctx: RequestScope, userId: string, first: number | null | undefined): Promise<ScoreChangeRecord[]> {
    const take = pageSize(first, ctx.locale);
    if (!isUuid(userId) || take === 0) return [];
    const changes = await this.deps.scores.history(userId, take);
    return seesEverything(ctx.identity, userId) ? changes : changes.map(publicChange);
  }

  /** ADMIN: recalculates now, in one transaction with the audit entry; returns the stored score. */
  async recalculate(ctx: RequestScope, userId: string): Promise<ScoreRecord> {
    const admin = requireAdmin(ctx);
    if (!isUuid(userId)) throw badField('userId', 'badUserId', ctx.locale);
    const results = await this.deps.sql.$transaction(async (tx) => {
      const recalculated = await this.deps.recalculator.recalculate(tx, [userId], { type: 'admin.recalculate', eventId: null }, { mode: 'always' });
      const result = recalculated[0]!;
      await this.deps.audit.record(tx, {
        actorId: admin.userId,
        action: 'safety.recalculate',
        subjectId: userId,
        before: result.previous ? { value: result.previous.value, grade: result.previous.grade, version: result.previous.version } : undefined,
        after: { value: result.record.value, grade: result.record.grade, version: result.record.version },
        requestId: ctx.requestId,
      });
      return recalculated;
    });
    await this.deps.published(results);
    ctx.logger.info({ userId, value: results[0]!.record.value, grade: results[0]!.record.grade }, 'safety score recalculated by an admin');
    return results[0]!.record;
  }

  /** mySafetyScore: the signed-in user's own channel. */
  async subscribe(ctx: RequestScope): Promise<AsyncIterableIterator<ScoreRecord>> {
    const identity = requireIdentity(ctx);
    if (!this.deps.hub) throw new Error('subscriptions need a RedisChannelHub');
    const events = channelIterator<ScoreRecord>(this.deps.hub, scoreChannel(identity.userId), { parse: parseScore });
    // Listening before the subscription is acknowledged: nothing published afterwards is missed.
    await events.ready;
    return events;
  }
}
