import { z } from 'zod';
import { timestamp, uuid, type EventDefinition } from './definition.ts';
import { ADMIN_ACTION_AUDITED } from './audit.ts';

/** An app-chosen installation id: opaque, bounded, printable. */
const deviceId = z.string().min(1).max(200);

/** user.events (producer: user). No PII: consumers that need more ask the user subgraph. */
export const USER_EVENTS = {
  'user.registered': {
    priority: 'normal',
    version: 1,
    data: z.object({
      userId: uuid,
      nickname: z.string().min(1),
      createdAt: timestamp,
      /** The app's device id (X-Device-Id / graphql-ws deviceId) at sign-up: a returning banned member is flagged from it. */
      deviceId: deviceId.nullable().optional(),
    }),
  },
  'user.verified': {
    priority: 'normal',
    version: 1,
    data: z.object({
      userId: uuid,
      method: z.enum(['EMAIL', 'SMS', 'ID_CARD', 'OAUTH']),
      verifiedAt: timestamp,
      /** SMS only: the phone's keyed lookup hash (DATA_ENCRYPTION_KEY), never the number; links accounts sharing a phone. */
      phoneLookupHash: z.string().min(1).nullable().optional(),
    }),
  },
  /**
   * A member signed in (password, second factor, provider, or a refresh that rotated tokens), as the
   * user service observed it: the device id the app sent (X-Device-Id header, graphql-ws
   * connectionParams.deviceId) and the client address the gateway saw. Never reported by the member.
   */
  'user.signed_in': {
    priority: 'normal',
    version: 1,
    data: z.object({
      userId: uuid,
      method: z.enum(['PASSWORD', 'SECOND_FACTOR', 'OAUTH', 'REFRESH']),
      deviceId: deviceId.nullable(),
      /** The client's IP address as the gateway saw it (X-Forwarded-For's first hop only behind a trusted proxy). */
      clientAddress: z.string().max(64).nullable(),
      /** True when the account never signed in from this device id before. */
      newDevice: z.boolean(),
      at: timestamp,
    }),
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
      /** A protected member who chose so: members below minCounterpartGrade cannot start a conversation with them either. */
      protectChats: z.boolean().optional(),
    }),
  },
  /**
   * The monitor's REQUIRE_VERIFICATION in force (required) or satisfied/cleared (not required), as the
   * user service, which owns verification, decides it: transaction stops listings and new trades, chat
   * stops messages while it is required.
   */
  'user.verification_requirement_changed': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      required: z.boolean(),
      /** What still has to be done while required (empty once satisfied or cleared). */
      missing: z.array(z.enum(['SMS', 'ID_CARD'])),
      at: timestamp,
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
  /**
   * The member deleted their account (deleteAccount): the user service already removed or
   * anonymised its own personal data and ended every session. Services holding copies of personal
   * data (nicknames, contact details) anonymise theirs; what fraud prevention keeps stays.
   */
  'user.deleted': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      /** What others may show in place of the old nickname. */
      displayName: z.string().min(1),
      deletedAt: timestamp,
    }),
  },
  /** An audited action (catalogue/audit.ts), for the console's one audit log. */
  'user.admin_action_audited': ADMIN_ACTION_AUDITED,
} as const satisfies Record<`user.${string}`, EventDefinition>;
