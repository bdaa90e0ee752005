import { z } from 'zod';
import { timestamp, uuid, type EventDefinition } from './definition.ts';
import { riskLevel } from './monitor.ts';
import { ADMIN_ACTION_AUDITED } from './audit.ts';

/**
 * chat.events (producer: chat). Ids only, never a message's text: the text is encrypted at rest in
 * the chat service and no other service needs it (the screening findings say what was in it).
 */
export const CHAT_EVENTS = {
  /**
   * A party wrote in a conversation: their first message there, then at most one announcement per
   * CHAT_CONTACT_SIGNAL_MINUTES (chat's setting) however many they send. The monitor learns who
   * really talks to whom from it (contacts, protected members); what a message says reaches it as
   * chat.message_screened, for every message where screening found something.
   */
  'chat.contact_observed': {
    priority: 'normal',
    version: 1,
    data: z.object({ conversationId: uuid, messageId: uuid, productId: uuid, senderId: uuid, recipientId: uuid, sentAt: timestamp }),
  },
  /** Screening found something in a message (only then): the monitor's rules start from it. */
  'chat.message_screened': {
    priority: 'high',
    version: 1,
    data: z.object({
      conversationId: uuid,
      messageId: uuid,
      senderId: uuid,
      recipientId: uuid,
      /** True when part of the delivered text was masked (e.g. a known fraud account). */
      masked: z.boolean(),
      findings: z.array(z.object({ code: z.string(), level: riskLevel })).min(1),
      at: timestamp,
      /** The conversation's listing: rules about a seller's listings and the seller's alerts start from it. */
      productId: uuid.optional(),
      /**
       * Keyed lookup hashes (paymentIdentifierHash) of the payment identifiers written in the message,
       * never the identifiers: accounts sharing a payment identifier form a cluster in the monitor.
       */
      identifierHashes: z.array(z.string().min(1)).max(20).optional(),
    }),
  },
  /** An audited action (catalogue/audit.ts), for the console's one audit log. */
  'chat.admin_action_audited': ADMIN_ACTION_AUDITED,
} as const satisfies Record<`chat.${string}`, EventDefinition>;
