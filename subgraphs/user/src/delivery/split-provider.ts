// Email through one provider (console or smtp), SMS through the HTTP SMS sender.
import type { DeliveryProvider, OutgoingEmail, OutgoingSms } from './delivery.ts';
import type { HttpSmsSender } from './http-sms-provider.ts';

export class SplitDeliveryProvider implements DeliveryProvider {
  readonly name: string;

  constructor(
    readonly email: DeliveryProvider,
    readonly sms: HttpSmsSender,
  ) {
    this.name = `${email.name}+sms-http`;
  }

  sendEmail(message: OutgoingEmail): Promise<void> {
    return this.email.sendEmail(message);
  }

  sendSms(message: OutgoingSms): Promise<void> {
    return this.sms.sendSms(message);
  }

  async close(): Promise<void> {
    this.sms.close();
    await this.email.close();
  }
}
