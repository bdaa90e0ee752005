// What the transaction service publishes (topic transaction.events). Each call writes one
// outbox row inside the caller's transaction, so an event exists exactly when its change was
// committed. Payloads carry ids and amounts only: consumers ask the owners for anything else.
import { outboxWriter } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { ProductStatus, TradeStatus } from '../model.ts';
import type { CheckInRecord } from '../meetings/check-in-repository.ts';
import type { ProductRecord } from '../products/product-repository.ts';
import type { TradeRecord } from '../trades/trade-repository.ts';

const write = outboxWriter('transaction');

function trade(t: TradeRecord, by: string, at: Date) {
  return { transactionId: t.id, productId: t.productId, buyerId: t.buyerId, sellerId: t.sellerId, amount: t.price, by, at: at.toISOString() };
}

export class TransactionEvents {
  async productCreated(tx: Tx, p: ProductRecord): Promise<void> {
    await write(tx, {
      type: 'product.created',
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
    await write(tx, {
      type: 'product.price_changed',
      subjectUserId: p.sellerId,
      data: { productId: p.id, sellerId: p.sellerId, category: p.category, oldPrice, newPrice: p.price, at: at.toISOString() },
    });
  }

  async productStatusChanged(tx: Tx, p: Pick<ProductRecord, 'id' | 'sellerId'>, status: ProductStatus, at: Date, transactionId?: string): Promise<void> {
    await write(tx, {
      type: 'product.status_changed',
      subjectUserId: p.sellerId,
      data: { productId: p.id, sellerId: p.sellerId, status, at: at.toISOString(), transactionId: transactionId ?? null },
    });
  }

  async requested(tx: Tx, t: TradeRecord, at: Date): Promise<void> {
    await write(tx, { type: 'transaction.requested', subjectUserId: t.buyerId, data: trade(t, t.buyerId, at) });
  }

  /** One event per transition; cancelled and disputed also say what the trade was before. */
  async transitioned(tx: Tx, t: TradeRecord, from: TradeStatus, by: string, at: Date): Promise<void> {
    const base = trade(t, by, at);
    switch (t.status) {
      case 'ACCEPTED':
        return void (await write(tx, { type: 'transaction.accepted', subjectUserId: by, data: base }));
      case 'COMPLETED':
        return void (await write(tx, { type: 'transaction.completed', subjectUserId: by, data: base }));
      case 'CANCELLED':
        return void (await write(tx, { type: 'transaction.cancelled', subjectUserId: by, data: { ...base, fromStatus: from } }));
      case 'DISPUTED':
        return void (await write(tx, { type: 'transaction.disputed', subjectUserId: by, data: { ...base, fromStatus: from } }));
      default:
        throw new Error(`no event for a trade becoming ${t.status}`);
    }
  }

  async meetingSpotProposed(tx: Tx, t: TradeRecord, zone: { id: string; kind: string }, by: string, at: Date): Promise<void> {
    await write(tx, {
      type: 'transaction.meeting_spot_proposed',
      subjectUserId: by,
      data: { transactionId: t.id, productId: t.productId, buyerId: t.buyerId, sellerId: t.sellerId, zoneId: zone.id, zoneKind: zone.kind, by, at: at.toISOString() },
    });
  }

  /** A party is still checked in at the meeting spot after the alert time (one per check-in). */
  async checkInOverdue(
    tx: Tx,
    o: { checkIn: CheckInRecord; counterpartId: string; place: { name: string; address: string } | null; overdueAfterSeconds: number; at: Date },
  ): Promise<void> {
    await write(tx, {
      type: 'transaction.check_in_overdue',
      subjectUserId: o.checkIn.userId,
      data: {
        checkInId: o.checkIn.id,
        transactionId: o.checkIn.transactionId,
        userId: o.checkIn.userId,
        counterpartId: o.counterpartId,
        place: o.place,
        checkedInAt: o.checkIn.checkedInAt.toISOString(),
        overdueAfterSeconds: o.overdueAfterSeconds,
        at: o.at.toISOString(),
      },
    });
  }

  async rated(tx: Tx, t: TradeRecord, raterId: string, stars: number, at: Date): Promise<void> {
    const rateeIsSeller = raterId === t.buyerId;
    await write(tx, {
      type: 'transaction.rated',
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
