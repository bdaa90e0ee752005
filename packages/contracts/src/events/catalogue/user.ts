import { z } from 'zod';
import { timestamp, uuid, type EventDefinition } from './definition.ts';

/** user.events (producer: user). No PII: consumers that need more ask the user subgraph. */
export const USER_EVENTS = {
  'user.registered': {
    priority: 'normal',
    version: 1,
    data: z.object({ userId: uuid, nickname: z.string().min(1), createdAt: timestamp }),
  },
  'user.verified': {
    priority: 'normal',
    version: 1,
    data: z.object({ userId: uuid, method: z.enum(['EMAIL', 'SMS', 'ID_CARD', 'OAUTH']), verifiedAt: timestamp }),
  },
  // Low: it only feeds the safety score's profile component, which tolerates minutes of lag.
  'user.profile_updated': {
    priority: 'low',
    version: 1,
    data: z.object({
      userId: uuid,
      fields: z.array(z.string().min(1)),
      profileCompleteness: z.int().min(0).max(100),
      protectedMode: z.boolean(),
      /** Transaction refuses trades with sellers below this grade for protected users. */
      minCounterpartGrade: z.enum(['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER']).nullable().optional(),
    }),
  },
  // High: a suspension or ban must stop new trades before the user can start one.
  'user.status_changed': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      status: z.enum(['ACTIVE', 'SUSPENDED', 'BANNED']),
      until: timestamp.nullable().optional(),
    }),
  },
} as const satisfies Record<`user.${string}`, EventDefinition>;
