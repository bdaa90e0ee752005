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
