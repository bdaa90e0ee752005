// The member is told by email when their account signs in from a device it never used (the
// device id the gateway signed), so a stranger's sign-in does not go unnoticed. The notice is owed
// in the sign-in's own transaction (account-notices.ts) and sent by the outbound sender: a slow
// mail server never slows a sign-in, and an email outage delays the notice instead of losing it.
import type { ClientInfo } from '@anshim/platform';
import type { Tx } from '../database.ts';
import { accountMessages } from '../messages.ts';
import type { UserRepository } from '../users/user-repository.ts';
import type { AccountNotices } from './account-notices.ts';
import { describeClient } from './client-description.ts';

export class NewDeviceNotice {
  constructor(private readonly deps: { users: UserRepository; notices: AccountNotices }) {}

  async owe(tx: Tx, userId: string, client: ClientInfo): Promise<void> {
    const user = await this.deps.users.findById(userId, tx);
    if (!user) return;
    await this.deps.notices.owe(tx, user.email, accountMessages.newDeviceMail(describeClient(client.userAgent)), 'NEW_DEVICE');
  }

  sendSoon(): void {
    this.deps.notices.sendSoon();
  }
}
