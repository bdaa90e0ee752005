// How status changes reach `myPayments`: after commit, the payment id is published on the payer's
// and payee's Redis channels; the subscription reloads the payment for its viewer, so nothing
// private travels on the channel and a subscriber always sees the committed state.
import { publishToChannels, type Logger, type Redis, type RedisSettings } from '@anshim/platform';
import type { PaymentRecord } from '../model.ts';

export const userPaymentChannel = (userId: string): string => `payment:changes:user:${userId}`;

export interface PublishedPaymentChange {
  paymentId: string;
  partyIds: string[];
}

export class PaymentPublisher {
  constructor(private readonly deps: { redis: Redis; redisSettings: RedisSettings; logger: Logger }) {}

  /** Never throws: the change is committed already; a subscriber that missed it reads `payment`. */
  async publish(payment: PaymentRecord): Promise<void> {
    const partyIds = [payment.buyerId, payment.sellerId];
    const change: PublishedPaymentChange = { paymentId: payment.id, partyIds };
    await publishToChannels(this.deps.redis, this.deps.redisSettings, partyIds.map(userPaymentChannel), change).catch((error: unknown) =>
      this.deps.logger.error({ err: error, paymentId: payment.id }, 'could not publish a payment change to subscribers'),
    );
  }
}
