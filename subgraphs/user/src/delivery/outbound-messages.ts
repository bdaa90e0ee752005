// What an event handler uses to owe someone a message: `sms(tx, …)` adds a row to the durable
// outbound queue in the handler's own transaction (the event's processed record commits with it,
// or neither does) and, once that transaction committed, nudges the sender. The handler never
// waits for a provider, so a provider outage can neither fail the event nor send a message twice
// when one of several recipients fails (issue 21). The dedupe key makes a repeat add nothing.
import type { Tx } from '../database.ts';
import type { OutboundRepository } from './outbound-repository.ts';

/**
 * Lower goes first: someone who may be in danger now before a payment waiting for its code or a
 * member whose account may be being taken over (account-notices.ts), before the rest.
 */
export const OUTBOUND_PRIORITY: Readonly<Record<string, number>> = {
  CHECK_IN_OVERDUE: 0,
  PAYMENT_APPROVAL: 1,
  RISK_ALERT: 1,
  PASSWORD_CHANGED: 1,
  NEW_DEVICE: 1,
  RISKY_TRADE: 2,
  REPORT_ACCEPTED: 2,
};
const DEFAULT_PRIORITY = 2;

export interface OwedSms {
  /** FieldCipher ciphertext of the normalized number. */
  phoneEncrypted: string;
  text: string;
  kind: string;
  dedupeKey: string;
}

export class OutboundMessages {
  private readonly nudged = new WeakSet<object>();

  constructor(
    private readonly repository: OutboundRepository,
    /** Runs `hook` once `tx` committed (AfterCommitHooks.schedule of the consumer's client). */
    private readonly afterCommit: (tx: Tx, hook: () => Promise<void>) => void,
    private readonly nudge: () => void,
  ) {}

  /** True when queued, false when a message with this dedupe key was queued before. */
  async sms(tx: Tx, message: OwedSms): Promise<boolean> {
    const added = await this.repository.add(tx, {
      channel: 'sms',
      recipientEncrypted: message.phoneEncrypted,
      text: message.text,
      kind: message.kind,
      priority: OUTBOUND_PRIORITY[message.kind] ?? DEFAULT_PRIORITY,
      dedupeKey: message.dedupeKey,
    });
    if (added && !this.nudged.has(tx)) {
      this.nudged.add(tx);
      this.afterCommit(tx, async () => this.nudge());
    }
    return added;
  }
}
