// What the transaction service publishes (topic transaction.events). Each call writes one
// outbox row inside the caller's transaction, so an event exists exactly when its change was
// committed. Payloads carry ids and amounts only: consumers ask the owners for anything else.
import { recordEvent } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { ProductRecord } from '../product-repository.ts';
import type { TradeRecord } from '../trade-repository.ts';
import type { ProductStatus, TradeStatus } from '../trade-state-machine.ts';

const producer = 'transaction' as const;

function trade(t: TradeRecord, by: string, at: Date) {
  return { transactionId: t.id, productId: t.productId, buyerId: t.buyerId, sellerId: t.sellerId, amount: t.price, by, at: at.toISOString() };
}

export class TransactionEvents {
  async productCreated(tx: Tx, p: ProductRecord): Promise<void> {
    await recordEvent(tx, {
      type: 'product.created',
      producer,
      subjectUserId: p.sellerId,
      data: {
        productId: p.id,
        sellerId: p.sellerId,
        title: p.title,
        price: p.price,
        category: p.category,
        region: p.region,
        imageCount: p.imageKeys.length,
        createdAt: p.createdAt.toISOString(),
      },
    });
  }

  async priceChanged(tx: Tx, p: ProductRecord, oldPrice: number, at: Date): Promise<void> {
    await recordEvent(tx, {
      type: 'product.price_changed',
      producer,
      subjectUserId: p.sellerId,
      data: { productId: p.id, sellerId: p.sellerId, category: p.category, oldPrice, newPrice: p.price, at: at.toISOString() },
    });
  }

  async productStatusChanged(tx: Tx, p: Pick<ProductRecord, 'id' | 'sellerId'>, status: ProductStatus, at: Date, transactionId?: string): Promise<void> {
    await recordEvent(tx, {
      type: 'product.status_changed',
      producer,
      subjectUserId: p.sellerId,
      data: { productId: p.id, sellerId: p.sellerId, status, at: at.toISOString(), transactionId: transactionId ?? null },
    });
  }

  async requested(tx: Tx, t: TradeRecord, at: Date): Promise<void> {
    await recordEvent(tx, { type: 'transaction.requested', producer, subjectUserId: t.buyerId, data: trade(t, t.buyerId, at) });
  }

  /** One event per transition; cancelled and disputed also say what the trade was before. */
  async transitioned(tx: Tx, t: TradeRecord, from: TradeStatus, by: string, at: Date): Promise<void> {
    const base = trade(t, by, at);
    switch (t.status) {
      case 'ACCEPTED':
        return void (await recordEvent(tx, { type: 'transaction.accepted', producer, subjectUserId: by, data: base }));
      case 'COMPLETED':
        return void (await recordEvent(tx, { type: 'transaction.completed', producer, subjectUserId: by, data: base }));
      case 'CANCELLED':
        return void (await recordEvent(tx, { type: 'transaction.cancelled', producer, subjectUserId: by, data: { ...base, fromStatus: from } }));
      case 'DISPUTED':
        return void (await recordEvent(tx, { type: 'transaction.disputed', producer, subjectUserId: by, data: { ...base, fromStatus: from } }));
      default:
        throw new Error(`no event for a trade becoming ${t.status}`);
    }
  }

  async meetingSpotProposed(tx: Tx, t: TradeRecord, zone: { id: string; kind: string }, by: string, at: Date): Promise<void> {
    await recordEvent(tx, {
      type: 'transaction.meeting_spot_proposed',
      producer,
      subjectUserId: by,
      data: { transactionId: t.id, productId: t.productId, buyerId: t.buyerId, sellerId: t.sellerId, zoneId: zone.id, zoneKind: zone.kind, by, at: at.toISOString() },
    });
  }

  async rated(tx: Tx, t: TradeRecord, raterId: string, stars: number, at: Date): Promise<void> {
    const rateeIsSeller = raterId === t.buyerId;
    await recordEvent(tx, {
      type: 'transaction.rated',
      producer,
      subjectUserId: rateeIsSeller ? t.sellerId : t.buyerId,
      data: {
        transactionId: t.id,
        raterId,
        rateeId: rateeIsSeller ? t.sellerId : t.buyerId,
        rateeRole: rateeIsSeller ? 'SELLER' : 'BUYER',
        stars,
        at: at.toISOString(),
      },
    });
  }
}
