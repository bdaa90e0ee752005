import { z } from 'zod';

export type EventPriority = 'high' | 'normal' | 'low';

export interface EventDefinition {
  priority: EventPriority;
  /** The `schemaVersion` producers stamp on the envelope. */
  version: number;
  data: z.ZodType;
}

export const uuid = z.uuid();
export const timestamp = z.iso.datetime({ offset: true });

/** The two parties of a trade, as every trade and payment event names them. */
export const tradeParties = { buyerId: uuid, sellerId: uuid };
