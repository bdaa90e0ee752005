// The listing copy with read-your-writes (issue 18 point 5): a buyer who opens a chat about a
// listing posted a moment ago, whose product.created has not reached chat yet, must not be told it
// does not exist. What the copy does not know is asked of its owner (transaction's signed
// /internal/trade-facts, through the platform's internal reader: timeout, one retry, breaker) and
// written into the copy the way product.status_changed is, with the owner's status time, so an
// older event that arrives later changes nothing. NOT_FOUND only when the owner says so too; when
// it cannot answer, TEMPORARILY_UNAVAILABLE (retryable) with nothing written.
import { isUniqueViolation, TemporarilyUnavailableError, type InternalReader, type Logger } from '@anshim/platform';
import { TRADE_FACTS_ROUTE, type TradeFactsAnswer } from '@anshim/contracts';
import { transaction, type ChatPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import type { CopyRepository, ProductCopyRecord } from './copy-repository.ts';

const STATUSES = new Set(['ON_SALE', 'RESERVED', 'SOLD', 'HIDDEN']);

export class ReadThroughListings {
  constructor(
    private readonly prisma: ChatPrisma,
    private readonly copies: CopyRepository,
    private readonly owner: InternalReader,
    private readonly logger: Logger,
  ) {}

  async product(productId: string): Promise<ProductCopyRecord | null> {
    const local = await this.copies.product(productId);
    if (local) return local;
    const product = await this.ask(productId);
    if (!product) return null;
    await transaction(this.prisma, (tx) =>
      this.copies.productStatusChanged(tx, { productId: product.productId, sellerId: product.sellerId, status: product.status, at: new Date(product.statusAt) }),
    ).catch((error: unknown) => {
      // product.created landed between our read and our insert (the soak caught this race as a
      // 500): the copy exists now, which is all this read needs.
      if (!isUniqueViolation(error)) throw error;
    });
    // Read back: an event newer than the answer may have landed in between, and it wins.
    return this.copies.product(productId);
  }

  private async ask(productId: string): Promise<TradeFactsAnswer['product']> {
    let answer: TradeFactsAnswer;
    try {
      answer = await this.owner.read<TradeFactsAnswer>(TRADE_FACTS_ROUTE, { productId });
    } catch (error) {
      this.logger.warn({ err: error, productId }, 'transaction could not answer a listing read-through; the conversation is refused for now');
      throw unavailable();
    }
    const product = answer.product;
    // An owner too old to tell the status (a rolling deploy) cannot let chat judge the listing.
    if (product && (!STATUSES.has(product.status) || Number.isNaN(Date.parse(product.statusAt)))) {
      this.logger.warn({ productId }, 'transaction answered a listing read-through without its status; refused for now');
      throw unavailable();
    }
    return product;
  }
}

const unavailable = () => new TemporarilyUnavailableError(messages.ownerUnavailable, { reason: 'OWNER_UNAVAILABLE' });
