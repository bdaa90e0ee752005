// Trades: who may start, move and rate a trade, and the race-safe way to apply it. The state
// machine says what may happen; conditional updates under row locks decide who wins a race;
// the product's status follows the trade in the same transaction, with the outbox event.
import { AppError, charLength, ConflictError, ForbiddenError, NotFoundError, pick, requireIdentity, systemClock, type BusinessCounter, type Clock, type Identity, type LocalizedText } from '@anshim/platform';
import { z } from 'zod';
import type { PartyRepository, PartyState } from '../copies/party-repository.ts';
import type { RiskEffectsRepository } from '../copies/risk-effects-repository.ts';
import { refuseWhileVerificationRequired } from '../copies/verification-requirement.ts';
import { withOwnerFacts, type UserOwner } from '../copies/user-owner.ts';
import { transaction, violatedIndex, type TransactionPrisma, type Tx } from '../database.ts';
import { messages } from '../messages.ts';
import { TRADE_STATUSES, type PartyRole, type TradeStatus } from '../model.ts';
import type { TransactionEvents } from '../outbound/transaction-events.ts';
import type { ProductCache } from '../products/product-cache.ts';
import type { ProductRepository } from '../products/product-repository.ts';
import type { RequestScope } from '../scope.ts';
import { badField, validate } from '../validation.ts';
import { defaultParty, holdRefusal, startRefusal, type Refusal } from './trade-guards.ts';
import type { StatusChangeRecord, TradeRecord, TradeRepository, TradeStatsRecord } from './trade-repository.ts';
import { checkTransition, productEffect } from './trade-state-machine.ts';

export interface TradeServiceDeps {
  prisma: TransactionPrisma;
  trades: TradeRepository;
  products: ProductRepository;
  parties: PartyRepository;
  riskEffects: RiskEffectsRepository;
  /** The user service, read when a trade starts: protection settings must not lag (user-owner.ts). */
  userOwner: UserOwner;
  cache: ProductCache;
  events: TransactionEvents;
  afterCommit: () => void;
  /** anshim_trades_total: counted once the trade's transaction committed. */
  counter: BusinessCounter<'trades'>;
}

/** The trade events the business dashboard counts; other moves (ACCEPTED) are not one of them. */
const COUNTED_EVENTS: Partial<Record<TradeStatus, string>> = { COMPLETED: 'completed', CANCELLED: 'cancelled', DISPUTED: 'disputed' };

const ratingSchema = z.object({
  stars: z.int('starsRange').min(1, 'starsRange').max(5, 'starsRange'),
  comment: z
    .string()
    .nullish()
    .transform((v) => (v == null || v.trim() === '' ? null : v.trim()))
    .refine((v) => v === null || charLength(v) <= 500, 'commentTooLong'),
});

/** Trades still under way: a warning about the other party still matters to them. */
const OPEN_STATUSES: ReadonlySet<TradeStatus> = new Set(['REQUESTED', 'ACCEPTED', 'DISPUTED']);

const firstSchema = z.int('listFirstRange').min(1, 'listFirstRange').max(100, 'listFirstRange').nullish();

function refuse(refusal: Refusal): never {
  throw new ForbiddenError(refusal.message, { reason: refusal.reason, ...refusal.details });
}

export class TradeService {
  constructor(private readonly deps: TradeServiceDeps, private readonly now: Clock = systemClock) {}

  roleOf(identity: Identity | null, trade: TradeRecord): PartyRole | null {
    if (!identity) return null;
    if (identity.userId === trade.buyerId) return 'BUYER';
    if (identity.userId === trade.sellerId) return 'SELLER';
    return null;
  }

  private canSee(scope: RequestScope, trade: TradeRecord): boolean {
    return this.roleOf(scope.identity, trade) !== null || scope.identity?.role === 'ADMIN';
  }

  /** `transaction(id)`: null if unknown; FORBIDDEN for anyone but the parties and ADMINs. */
  async byId(scope: RequestScope, id: string): Promise<TradeRecord | null> {
    requireIdentity(scope);
    const trade = await scope.loaders.trade.load(id);
    if (!trade) return null;
    if (!this.canSee(scope, trade)) throw new ForbiddenError(messages.partiesOnly);
    return trade;
  }

  /** `_entities`: the same rule, but null instead of an error (reports and alerts link trades). */
  async reference(scope: RequestScope, id: string): Promise<TradeRecord | null> {
    const trade = await scope.loaders.trade.load(id);
    return trade && this.canSee(scope, trade) ? trade : null;
  }

  /**
   * Transaction.safetyNotice: while the other party is under WARN_COUNTERPARTS and the trade is
   * still open, a plain warning for the viewing party. The warned person sees nothing here (the
   * monitor's suspicion is not theirs to read, and would only teach evasion), nor does anyone
   * outside the trade (who cannot read the trade at all).
   */
  async safetyNotice(scope: RequestScope, trade: TradeRecord): Promise<string | null> {
    const role = this.roleOf(scope.identity, trade);
    if (!role || !OPEN_STATUSES.has(trade.status)) return null;
    const other = role === 'BUYER' ? trade.sellerId : trade.buyerId;
    return (await scope.loaders.counterpartWarned.load(other)) ? pick(messages.counterpartWarned, scope.locale) : null;
  }

  history(scope: RequestScope, trade: TradeRecord): Promise<StatusChangeRecord[]> {
    return scope.loaders.history.load(trade.id);
  }

  stats(scope: RequestScope, userId: string): Promise<TradeStatsRecord> {
    return scope.loaders.stats.load(userId);
  }

  /**
   * User.transactions: the user themself or an ADMIN, newest first; anyone else an empty list, decided
   * before `after` is looked at, so a stranger's cursor tells them nothing about whose trade it is.
   * `after` continues after that trade (BAD_USER_INPUT `after` unless it is one of the user's trades).
   */
  async ofUser(scope: RequestScope, userId: string, first: number | null | undefined, after?: string | null): Promise<TradeRecord[]> {
    const limit = validate(firstSchema, first, scope.locale) ?? 20;
    const allowed = scope.identity !== null && (scope.identity.userId === userId || scope.identity.role === 'ADMIN');
    if (!allowed) return [];
    if (after == null) return scope.loaders.userTrades.load(`${userId}|${limit}`);
    const cursor = await this.deps.trades.findById(after);
    if (!cursor || (cursor.buyerId !== userId && cursor.sellerId !== userId)) throw badField('after', 'tradeCursor', scope.locale);
    return this.deps.trades.ofUserAfter(userId, cursor, limit);
  }

  async start(scope: RequestScope, productId: string): Promise<TradeRecord> {
    const identity = requireIdentity(scope);
    const product = await this.deps.products.findById(productId);
    if (!product || (product.status === 'HIDDEN' && product.sellerId !== identity.userId)) throw new NotFoundError(messages.productNotFound);
    if (product.sellerId === identity.userId) throw badField('productId', 'ownProduct', scope.locale);
    if (product.status === 'SOLD' || product.status === 'HIDDEN') throw badField('productId', 'soldOut', scope.locale);
    if (product.status === 'RESERVED') throw new ConflictError(messages.reserved, { reason: 'RESERVED' });

    const now = this.now();
    const [buyer, seller] = await this.partiesWithOwnerFacts(identity.userId, product.sellerId);
    const refusal = startRefusal(buyer, seller, now);
    if (refusal) refuse(refusal);
    await refuseWhileVerificationRequired(this.deps.riskEffects, identity.userId);

    const trade = await transaction(this.deps.prisma, async (tx) => {
      // Guarded: the product may have been reserved or hidden since we read it.
      if (!(await this.deps.products.countRequestIfOnSale(tx, product.id))) throw new ConflictError(messages.reserved, { reason: 'NOT_ON_SALE' });
      let created: TradeRecord;
      try {
        created = await this.deps.trades.create(tx, { productId: product.id, buyerId: identity.userId, sellerId: product.sellerId, price: product.price, at: now });
      } catch (error) {
        if (violatedIndex(error)?.includes('transactions_open_request_key')) throw new ConflictError(messages.alreadyRequested, { reason: 'ALREADY_REQUESTED' });
        throw error;
      }
      await this.deps.events.requested(tx, created, now);
      return created;
    });
    this.deps.afterCommit();
    this.deps.counter.inc({ event: 'started' });
    scope.loaders.trade.prime(trade.id, trade);
    return trade;
  }

  async updateStatus(scope: RequestScope, id: string, status: TradeStatus): Promise<TradeRecord> {
    const identity = requireIdentity(scope);
    if (!TRADE_STATUSES.includes(status)) throw badField('status', 'invalidInput', scope.locale);
    const trade = await this.deps.trades.findById(id);
    if (!trade) throw new NotFoundError(messages.transactionNotFound);
    const role = this.roleOf(identity, trade);
    if (!role) throw new ForbiddenError(messages.partiesOnlyChange);

    const now = this.now();
    const from = trade.status;
    const check = checkTransition(from, status, role, { completedAt: trade.completedAt, now });
    if (!check.ok) {
      if (check.reason === 'WRONG_PARTY') throw new ForbiddenError(messages.wrongParty(status, check.allowedBy), { reason: check.reason, allowedBy: check.allowedBy });
      if (check.reason === 'DISPUTE_WINDOW_CLOSED') throw badField('status', 'disputeWindowClosed', scope.locale);
      throw new AppError(messages.illegalTransition(from, status, check.allowed), 'BAD_USER_INPUT', {
        reason: check.reason,
        from,
        allowed: check.allowed,
      });
    }
    // Going ahead with a trade is paused by holds and restrictions; backing out never is.
    if (status === 'ACCEPTED' || status === 'COMPLETED') {
      const [mine, theirs] = await this.partiesOf(identity.userId, role === 'BUYER' ? trade.sellerId : trade.buyerId);
      const refusal = holdRefusal(mine, theirs, now);
      if (refusal) refuse(refusal);
    }

    const effect = productEffect(from, status);
    const updated = await transaction(this.deps.prisma, async (tx) => {
      const moved = await this.moveTrade(tx, trade, from, status, identity.userId, now);
      if (effect) {
        const productMoved = await this.deps.products.setStatusIf(tx, trade.productId, [effect.from], effect.to);
        // Another trade on this product got there first (or the seller hid it): undo everything.
        if (!productMoved) throw new ConflictError(status === 'ACCEPTED' ? messages.productTaken : messages.raceLost, { reason: 'PRODUCT_CHANGED' });
        await this.deps.events.productStatusChanged(tx, { id: trade.productId, sellerId: trade.sellerId }, effect.to, now, trade.id);
      }
      await this.deps.events.transitioned(tx, moved, from, identity.userId, now);
      return moved;
    });
    this.deps.afterCommit();
    const event = COUNTED_EVENTS[status];
    if (event) this.deps.counter.inc({ event });
    scope.loaders.trade.clear(id).prime(id, updated);
    scope.loaders.history.clear(id);
    if (effect) {
      scope.loaders.product.clear(trade.productId);
      await this.deps.cache.productChanged(trade.productId);
    }
    return updated;
  }

  async rate(scope: RequestScope, id: string, stars: number, comment: string | null | undefined): Promise<TradeRecord> {
    const identity = requireIdentity(scope);
    const input = validate(ratingSchema, { stars, comment }, scope.locale);
    const trade = await this.deps.trades.findById(id);
    if (!trade) throw new NotFoundError(messages.transactionNotFound);
    const role = this.roleOf(identity, trade);
    if (!role) throw new ForbiddenError(messages.partiesOnlyChange);
    // Completed trades, including ones disputed after completion, can be rated.
    if (!trade.completedAt) throw badField('id', 'notCompleted', scope.locale);

    const now = this.now();
    await transaction(this.deps.prisma, async (tx) => {
      try {
        await this.deps.trades.addRating(tx, {
          transactionId: trade.id,
          raterId: identity.userId,
          rateeId: role === 'BUYER' ? trade.sellerId : trade.buyerId,
          stars: input.stars,
          comment: input.comment,
          at: now,
        });
      } catch (error) {
        if (violatedIndex(error) !== null) throw new ConflictError(messages.alreadyRated, { reason: 'ALREADY_RATED' });
        throw error;
      }
      await this.deps.events.rated(tx, trade, identity.userId, input.stars, now);
    });
    this.deps.afterCommit();
    scope.loaders.stats.clearAll();
    return trade;
  }

  private async moveTrade(tx: Tx, trade: TradeRecord, from: TradeStatus, to: TradeStatus, byId: string, now: Date): Promise<TradeRecord> {
    let moved: TradeRecord | null;
    try {
      moved = await this.deps.trades.transition(tx, trade.id, from, to, byId, now);
    } catch (error) {
      // The partial unique index: another trade of this product is already ACCEPTED or COMPLETED.
      if (violatedIndex(error)?.includes('transactions_one_accepted_key')) throw new ConflictError(messages.productTaken, { reason: 'PRODUCT_TAKEN' });
      throw error;
    }
    if (!moved) throw new ConflictError(messages.raceLost, { reason: 'TRADE_CHANGED' });
    return moved;
  }

  /** The copy and the owner read side by side (one round trip each); the owner's settings win. */
  private async partiesWithOwnerFacts(buyerId: string, sellerId: string): Promise<[PartyState, PartyState]> {
    const [[buyer, seller], facts] = await Promise.all([this.partiesOf(buyerId, sellerId), this.deps.userOwner.factsOf([buyerId, sellerId])]);
    return [withOwnerFacts(buyer, facts.get(buyerId)), withOwnerFacts(seller, facts.get(sellerId))];
  }

  private async partiesOf(a: string, b: string): Promise<[PartyState, PartyState]> {
    const states = await this.deps.parties.statesOf([a, b]);
    return [states.get(a) ?? defaultParty(a), states.get(b) ?? defaultParty(b)];
  }
}

export type { LocalizedText };
