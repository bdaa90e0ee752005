// Development delivery: nothing leaves the machine. Every message is logged and kept in a capped
// Redis list, so a developer (or a test) reads codes at GET /dev/messages?to=<address>.
// Redis, not memory: every replica and the test process see the same messages.
import type { Logger, Redis } from '@anshim/platform';
import { phoneDigits } from '../model.ts';
import type { DeliveryProvider, OutgoingEmail, OutgoingSms } from './delivery.ts';

export const DEV_MESSAGES_KEY = 'dev:messages';

export interface RecordedMessage {
  channel: 'email' | 'sms';
  to: string;
  subject: string | null;
  text: string;
  sentAt: string;
}

export class ConsoleDeliveryProvider implements DeliveryProvider {
  readonly name = 'console';

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly keep: number,
  ) {}

  async sendEmail(message: OutgoingEmail): Promise<void> {
    await this.record({ channel: 'email', to: message.to, subject: message.subject, text: message.text, sentAt: new Date().toISOString() });
  }

  async sendSms(message: OutgoingSms): Promise<void> {
    await this.record({ channel: 'sms', to: message.to, subject: null, text: message.text, sentAt: new Date().toISOString() });
  }

  async close(): Promise<void> {}

  /** Newest first, matching emails case-insensitively and phone numbers by their digits. */
  async messagesTo(address: string): Promise<RecordedMessage[]> {
    const raw = await this.redis.lrange(DEV_MESSAGES_KEY, 0, -1);
    const wanted = matcherFor(address);
    return raw.map((line) => JSON.parse(line) as RecordedMessage).filter((m) => wanted(m));
  }

  private async record(message: RecordedMessage): Promise<void> {
    this.logger.info({ channel: message.channel, to: message.to, text: message.text }, 'dev delivery (not sent)');
    await this.redis.multi().lpush(DEV_MESSAGES_KEY, JSON.stringify(message)).ltrim(DEV_MESSAGES_KEY, 0, this.keep - 1).exec();
  }
}

function matcherFor(address: string): (m: RecordedMessage) => boolean {
  const trimmed = address.trim();
  if (trimmed.includes('@')) {
    const email = trimmed.toLowerCase();
    return (m) => m.channel === 'email' && m.to.toLowerCase() === email;
  }
  const digits = phoneDigits(trimmed);
  // +82 10… and 010… are the same phone.
  const national = digits.startsWith('82') && digits.length === 12 ? `0${digits.slice(2)}` : digits;
  return (m) => m.channel === 'sms' && digits.length > 0 && phoneDigits(m.to) === national;
}
