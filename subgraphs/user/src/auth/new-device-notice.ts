// The member is told by email when their account signs in from a device it never used (the
// device id the gateway signed), so a stranger's sign-in does not go unnoticed. Sent after the
// sign-in committed and not awaited: a slow mail server never slows a sign-in.
import type { ClientInfo, Logger } from '@anshim/platform';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import { accountMessages } from '../messages.ts';
import type { UserRepository } from '../users/user-repository.ts';
import { describeClient } from './client-description.ts';

export class NewDeviceNotice {
  constructor(private readonly deps: { users: UserRepository; delivery: DeliveryProvider; logger: Logger }) {}

  readonly send = (userId: string, client: ClientInfo): void => {
    void (async () => {
      const user = await this.deps.users.findById(userId);
      if (!user) return;
      await this.deps.delivery.sendEmail({ to: user.email, ...accountMessages.newDeviceMail(describeClient(client.userAgent)) });
    })().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'new-device notice not delivered'));
  };
}
