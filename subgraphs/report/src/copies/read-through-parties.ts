// The copies of users, products and trades (known-parties-repository.ts) with read-your-writes
// (issue 18 point 5): a report against a member who registered a moment ago, or about a product
// or trade whose event is still on its way, must not be answered NOT_FOUND. What the copy does not
// know is asked of its owner (signed /internal/user-facts and /internal/trade-facts) and written
// into the copy exactly as the event will (the writes keep the earliest time, so the event that
// arrives later changes nothing). NOT_FOUND only when the owner says so too; when the owner cannot
// answer, TEMPORARILY_UNAVAILABLE (retryable), never a NOT_FOUND that is not true.
import { TemporarilyUnavailableError, type InternalReader, type Logger } from '@anshim/platform';
import { TRADE_FACTS_ROUTE, USER_FACTS_ROUTE, type TradeFactsAnswer, type TradeFactsRequest, type UserFactsAnswer } from '@anshim/contracts';
import { transaction, type ReportPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import type { KnownPartiesRepository } from './known-parties-repository.ts';

export interface Owners {
  user: InternalReader;
  transaction: InternalReader;
}

export class ReadThroughParties {
  constructor(
    private readonly prisma: ReportPrisma,
    private readonly known: KnownPartiesRepository,
    private readonly owners: Owners,
    private readonly logger: Logger,
  ) {}

  /** Which of these users exist, asking the user service (one read) about those the copy does not know. */
  async existingUsers(ids: readonly string[]): Promise<Set<string>> {
    const present = new Set<string>();
    for (const id of ids) if (await this.known.userExists(id)) present.add(id);
    const missing = [...new Set(ids)].filter((id) => !present.has(id));
    if (missing.length === 0) return present;
    const answer = await this.ask<UserFactsAnswer>(this.owners.user, USER_FACTS_ROUTE, { userIds: missing });
    if (answer.users.length) {
      await transaction(this.prisma, async (tx) => {
        for (const user of answer.users) await this.known.userRegistered(tx, user.userId, new Date(user.registeredAt));
      });
    }
    for (const user of answer.users) present.add(user.userId);
    return present;
  }

  async product(id: string): Promise<{ id: string; sellerId: string } | null> {
    const local = await this.known.product(id);
    if (local) return local;
    const { product } = await this.tradeFacts({ productId: id });
    if (!product) return null;
    await transaction(this.prisma, (tx) => this.known.productCreated(tx, product.productId, product.sellerId));
    return { id: product.productId, sellerId: product.sellerId };
  }

  async trade(id: string): Promise<{ id: string; productId: string; buyerId: string; sellerId: string } | null> {
    const local = await this.known.trade(id);
    if (local) return local;
    const { transaction: trade } = await this.tradeFacts({ transactionId: id });
    if (!trade) return null;
    const record = { id: trade.transactionId, productId: trade.productId, buyerId: trade.buyerId, sellerId: trade.sellerId };
    await transaction(this.prisma, async (tx) => {
      await this.known.tradeRequested(tx, record);
      if (trade.acceptedAt) await this.known.tradeAccepted(tx, record, new Date(trade.acceptedAt));
    });
    return record;
  }

  private tradeFacts(request: TradeFactsRequest): Promise<TradeFactsAnswer> {
    return this.ask<TradeFactsAnswer>(this.owners.transaction, TRADE_FACTS_ROUTE, request);
  }

  private async ask<T>(owner: InternalReader, route: string, body: unknown): Promise<T> {
    try {
      return await owner.read<T>(route, body);
    } catch (error) {
      this.logger.warn({ err: error, route }, 'the owner could not answer a read-through; the report is refused for now');
      throw new TemporarilyUnavailableError(messages.ownerUnavailable, { reason: 'OWNER_UNAVAILABLE' });
    }
  }
}
