// Emails that tell a member what happened to their own account (the password changed, a device it
// never used signed in). They are owed in the transaction of what caused them — a row in the
// durable outbound queue (delivery/outbound-repository.ts) — and the outbound sender delivers them
// afterwards, retrying through an email outage instead of losing them: a takeover warning that
// never arrives is the one that mattered. The reset code itself is not queued here
// (password-reset.ts says why).
import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '@anshim/platform';
import type { Tx } from '../database.ts';
import { OUTBOUND_PRIORITY } from '../delivery/outbound-messages.ts';
import type { OutboundRepository } from '../delivery/outbound-repository.ts';

export type AccountNoticeKind = 'PASSWORD_CHANGED' | 'NEW_DEVICE';

export interface AccountNoticeDeps {
  outbound: OutboundRepository;
  cipher: FieldCipher;
  /** Asks the outbound sender for a pass (OutboundSender.nudge); the sweep sends anyway. */
  nudge: () => void;
}

export class AccountNotices {
  constructor(private readonly deps: AccountNoticeDeps) {}

  /** Queues the mail in `tx`; call `sendSoon()` once that transaction committed. */
  async owe(tx: Tx, to: string, mail: { subject: string; text: string }, kind: AccountNoticeKind): Promise<void> {
    await this.deps.outbound.add(tx, {
      channel: 'email',
      recipientEncrypted: this.deps.cipher.encrypt(to),
      subject: mail.subject,
      text: mail.text,
      kind,
      priority: OUTBOUND_PRIORITY[kind] ?? 2,
      // Each cause is one notice; the row is written once, in its cause's transaction.
      dedupeKey: `account-notice:${kind}:${randomUUID()}`,
    });
  }

  readonly sendSoon = (): void => this.deps.nudge();
}
