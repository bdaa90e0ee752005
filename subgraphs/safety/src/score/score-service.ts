// The safety service's rules: who may read what, how a score is found (cache → PostgreSQL → the
// computed starting score), how a listing's hints are decided, and the admin's recalculation.
import DataLoader from 'dataloader';
import {
  BadInputError,
  ForbiddenError,
  UnauthenticatedError,
  type Identity,
  type Logger,
  channelIterator,
  type RedisChannelHub,
} from '@anshim/platform';
import type { SafetyLoaders, RequestScope } from './context.ts';
import type { SafetyPrisma } from './database.ts';
import type { SafetySql } from './sql-client.ts';
import type { AuditRepository } from './audit-repository.ts';
import type { InputsRepository } from './inputs-repository.ts';
import { isUuid, type ProductRepository } from './product-repository.ts';
import { publicChange, publicFactors, seesEverything } from './factor-visibility.ts';
import { buildDisplay, type HintCode, type SafetyDisplay } from './safety-display.ts';
import { calculateSafetyScore, EMPTY_INPUTS, SAFETY_GRADES, type Factor, type SafetyGrade } from './safety-score.ts';
import { parseScore, scoreChannel, type ScoreCache } from './score-cache.ts';
import type { Recalculated, ScoreRecalculator } from './score-recalculator.ts';
import type { ScoreChangeRecord, ScoreRecord, ScoreRepository } from './score-repository.ts';

/** Entity references resolved by this subgraph (codegen mappers). */
export interface UserRef {
  id: string;
}
export interface ProductRef {
  id: string;
}
/** The dashboard's fields are resolved lazily, each with its own query. */
export type DashboardRef = Record<string, never>;

export const LISTING_RULES = {
  newSellerBadge: 'NEW_MEMBER',
  /** A price below this share of the category median, with enough listings to compare. */
  farBelowShare: 0.5,
  farBelowMinListings: 5,
  /** A current price at or below this share of the first price. */
  steepCutShare: 0.6,
} as const;

export const DASHBOARD_DROP_WINDOW_DAYS = 7;
const MAX_PAGE = 100;

export interface SafetyServiceDeps {
  prisma: SafetyPrisma;
  sql: SafetySql;
  scores: ScoreRepository;
  inputs: InputsRepository;
  products: ProductRepository;
  cache: ScoreCache;
  recalculator: ScoreRecalculator;
  audit: AuditRepository;
  /** After a recalculation committed: cache write-through, channel push, outbox relay nudge. */
  published: (results: Recalculated[]) => Promise<void>;
  logger: Logger;
  /** The process' shared Redis subscriber; only the subgraph (not the workers) has one. */
  hub?: RedisChannelHub;
}

export class SafetyService {
  constructor(private readonly deps: SafetyServiceDeps) {}

  /** Per-request loaders: every score of a request in one cache round trip and at most two queries. */
  loaders(): SafetyLoaders {
    return {
      score: new DataLoader<string, ScoreRecord>((ids) => this.loadScores(ids)),
      product: new DataLoader(async (ids) => {
        const rows = await this.deps.products.findByIds(ids);
        const byId = new Map(rows.map((r) => [r.productId, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      categoryPrice: new DataLoader(async (categories) => {
        const rows = await this.deps.products.categoryPrices(categories);
        const byCategory = new Map(rows.map((r) => [r.category, r]));
        return categories.map((c) => byCategory.get(c) ?? null);
      }),
    };
  }

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
    const take = pageSize(first);
    if (!isUuid(userId) || take === 0) return [];
    const changes = await this.deps.scores.history(userId, take);
    return seesEverything(ctx.identity, userId) ? changes : changes.map(publicChange);
  }

  /** The seller's display on a listing, plus listing-level hints. */
  async sellerSafety(ctx: RequestScope, productId: string): Promise<SafetyDisplay> {
    const product = await ctx.loaders.product.load(productId);
    if (!product) {
      // product.created not seen yet (or an unknown id): say so plainly instead of guessing a grade.
      return buildDisplay({ ...calculateSafetyScore(EMPTY_INPUTS, new Date()), badges: [], hints: ['SELLER_UNKNOWN'] }, ctx.locale);
    }
    const [score, prices] = await Promise.all([this.score(ctx, product.sellerId), ctx.loaders.categoryPrice.load(product.category)]);
    const hints: HintCode[] = [];
    if (score.badges.includes(LISTING_RULES.newSellerBadge)) hints.push('NEW_SELLER');
    if (!score.badges.includes('IDENTITY_VERIFIED')) hints.push('UNVERIFIED_SELLER');
    if (prices && prices.listings >= LISTING_RULES.farBelowMinListings && product.price < prices.median * LISTING_RULES.farBelowShare) {
      hints.push('PRICE_FAR_BELOW');
    }
    if (product.firstPrice > 0 && product.price <= product.firstPrice * LISTING_RULES.steepCutShare) hints.push('STEEP_PRICE_CUT');
    if (score.grade === 'CAUTION' || score.grade === 'DANGER') hints.push('MEET_AT_SAFE_ZONE');
    return buildDisplay({ ...score, hints }, ctx.locale);
  }

  async dashboardCounts(ctx: RequestScope): Promise<Array<{ grade: SafetyGrade; count: number }>> {
    requireAdmin(ctx.identity);
    const counts = await this.deps.scores.countsByGrade();
    return SAFETY_GRADES.map((grade) => ({ grade, count: counts.get(grade) ?? 0 }));
  }

  async dashboardAverage(ctx: RequestScope): Promise<number> {
    requireAdmin(ctx.identity);
    const average = await this.deps.scores.averageValue();
    return average === null ? 0 : Math.round(average * 10) / 10;
  }

  async dashboardDrops(ctx: RequestScope, first: number | null | undefined, now = new Date()): Promise<ScoreChangeRecord[]> {
    requireAdmin(ctx.identity);
    const take = pageSize(first);
    if (take === 0) return [];
    return this.deps.scores.largestDrops(new Date(now.getTime() - DASHBOARD_DROP_WINDOW_DAYS * 86_400_000), take);
  }

  /** Checks the caller may open the dashboard (so `safetyDashboard` itself refuses non-admins). */
  dashboard(ctx: RequestScope): Record<string, never> {
    requireAdmin(ctx.identity);
    return {};
  }

  /** ADMIN: recalculates now, in one transaction with the audit entry; returns the stored score. */
  async recalculate(ctx: RequestScope, userId: string): Promise<ScoreRecord> {
    const admin = requireAdmin(ctx.identity);
    if (!isUuid(userId)) {
      throw new BadInputError({ ko: '사용자 ID 형식이 올바르지 않습니다.', en: 'The user id is not valid.' }, { fields: [{ field: 'userId', message: 'not a UUID' }] });
    }
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
    const identity = requireSignedIn(ctx.identity);
    if (!this.deps.hub) throw new Error('subscriptions need a RedisChannelHub');
    const events = channelIterator<ScoreRecord>(this.deps.hub, scoreChannel(identity.userId), { parse: parseScore });
    // Listening before the subscription is acknowledged: nothing published afterwards is missed.
    await events.ready;
    return events;
  }

  private async loadScores(ids: readonly string[]): Promise<ScoreRecord[]> {
    const valid = [...new Set(ids.filter(isUuid))];
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

function pageSize(first: number | null | undefined): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0) {
    throw new BadInputError({ ko: 'first는 0 이상의 정수여야 합니다.', en: 'first must be a whole number of 0 or more.' }, { fields: [{ field: 'first', message: 'must be >= 0' }] });
  }
  return Math.min(n, MAX_PAGE);
}

export function requireAdmin(identity: Identity | null): Identity {
  if (!identity) throw new UnauthenticatedError();
  if (identity.role !== 'ADMIN') throw new ForbiddenError({ ko: '관리자만 할 수 있습니다.', en: 'Only an administrator can do this.' });
  return identity;
}

export function requireSignedIn(identity: Identity | null): Identity {
  if (!identity) throw new UnauthenticatedError();
  return identity;
}
