import { z } from 'zod';
import { timestamp, tradeParties, uuid, type EventDefinition } from './definition.ts';

const tradeStatus = z.enum(['REQUESTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'DISPUTED']);

/** Every trade event says who the parties are, what is at stake and who acted. */
const trade = z.object({
  transactionId: uuid,
  productId: uuid,
  ...tradeParties,
  /** Whole won. */
  amount: z.int().min(0),
  /** The party who caused the change. */
  by: uuid,
  at: timestamp,
});

/** transaction.events (producer: transaction): `product.*` and `transaction.*`; normal priority for trades. */
export const TRANSACTION_EVENTS = {
  'product.created': {
    priority: 'normal',
    version: 1,
    data: z.object({
      productId: uuid,
      sellerId: uuid,
      title: z.string(),
      price: z.int().min(0),
      category: z.string(),
      region: z.string().nullable(),
      /** Pictures attached (monitor: listings without photos are a weak fraud signal). Added in v1, optional. */
      imageCount: z.int().min(0).optional(),
      createdAt: timestamp,
    }),
  },
  'product.price_changed': {
    priority: 'normal',
    version: 1,
    data: z.object({ productId: uuid, sellerId: uuid, category: z.string(), oldPrice: z.int().min(0), newPrice: z.int().min(0), at: timestamp }),
  },
  'product.status_changed': {
    priority: 'low',
    version: 1,
    data: z.object({
      productId: uuid,
      sellerId: uuid,
      status: z.enum(['ON_SALE', 'RESERVED', 'SOLD', 'HIDDEN']),
      at: timestamp,
      /** The trade that moved the product (RESERVED, SOLD, back ON_SALE); null for the seller's hide/unhide. Optional. */
      transactionId: uuid.nullable().optional(),
    }),
  },
  'transaction.requested': { priority: 'normal', version: 1, data: trade },
  'transaction.accepted': { priority: 'normal', version: 1, data: trade },
  'transaction.completed': { priority: 'normal', version: 1, data: trade },
  'transaction.cancelled': { priority: 'normal', version: 1, data: trade.extend({ fromStatus: tradeStatus }) },
  'transaction.disputed': { priority: 'normal', version: 1, data: trade.extend({ fromStatus: tradeStatus }) },
  /** A party proposed a safe-trade zone to meet at; monitor and safety may treat it as a good sign. */
  'transaction.meeting_spot_proposed': {
    priority: 'low',
    version: 1,
    data: z.object({ transactionId: uuid, productId: uuid, buyerId: uuid, sellerId: uuid, zoneId: uuid, zoneKind: z.string(), by: uuid, at: timestamp }),
  },
  /**
   * A party checked in at the meeting spot and has not checked out within the alert time: user
   * texts a protected member's guardians. One per check-in. `place` is the trade's meeting spot
   * (name and address), null when none was proposed.
   */
  'transaction.check_in_overdue': {
    priority: 'high',
    version: 1,
    data: z.object({
      checkInId: uuid,
      transactionId: uuid,
      /** The party who checked in (and whose guardians may be told). */
      userId: uuid,
      /** The other party, whom they went to meet. */
      counterpartId: uuid,
      place: z.object({ name: z.string(), address: z.string() }).nullable(),
      checkedInAt: timestamp,
      /** How long after checkedInAt the alert fires (TRANSACTION_CHECK_IN_ALERT_SECONDS). */
      overdueAfterSeconds: z.int().min(1),
      at: timestamp,
    }),
  },
  'transaction.rated': {
    priority: 'normal',
    version: 1,
    data: z.object({
      transactionId: uuid,
      raterId: uuid,
      rateeId: uuid,
      /** Whether the rated user was the seller or the buyer of the trade. */
      rateeRole: z.enum(['SELLER', 'BUYER']),
      stars: z.int().min(1).max(5),
      at: timestamp,
    }),
  },
} as const satisfies Record<`product.${string}` | `transaction.${string}`, EventDefinition>;
