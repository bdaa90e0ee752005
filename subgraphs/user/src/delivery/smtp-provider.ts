// Real delivery over SMTP (nodemailer). Emails go to the address; SMS go through an
// email-to-SMS gateway (`<digits>@SMS_EMAIL_GATEWAY_DOMAIN`), which most Korean bulk-SMS
// vendors offer. Every send runs with a timeout, retries with backoff, and a circuit breaker
// so a dead mail server fails fast instead of piling up requests (ARCHITECTURE §4). A permanent
// SMTP answer (5xx: no such mailbox, refused) is DeliveryRefusedError and not retried; anything
// else (connection, timeout, 4xx "try later") is DependencyUnavailableError, to wait out.
import nodemailer, { type Transporter } from 'nodemailer';
import { DependencyUnavailableError, resilient, type Logger } from '@anshim/platform';
import { DeliveryError, DeliveryRefusedError, type DeliveryProvider, type OutgoingEmail, type OutgoingSms } from './delivery.ts';

/** An SMTP reply that says no for good (5xx), or an envelope nodemailer rejected before sending. */
function isPermanentRefusal(error: unknown): boolean {
  const { responseCode, code } = (error ?? {}) as { responseCode?: number; code?: string };
  return (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600) || code === 'EENVELOPE';
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  smsGatewayDomain?: string;
  timeoutMs: number;
  /** Attempts per message, first one included. */
  attempts?: number;
  backoffMs?: number;
}

interface Mail {
  to: string;
  subject: string;
  text: string;
}

export class SmtpDeliveryProvider implements DeliveryProvider {
  readonly name = 'smtp';
  private readonly transport: Transporter;
  private readonly send: ((mail: Mail) => Promise<void>) & { breaker: { shutdown(): void } };

  constructor(
    private readonly settings: SmtpSettings,
    private readonly logger: Logger,
  ) {
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    });
    this.send = resilient(
      async (mail: Mail) => {
        await this.transport.sendMail({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text });
      },
      { name: 'smtp', timeoutMs: settings.timeoutMs, attempts: settings.attempts ?? 3, backoffMs: settings.backoffMs ?? 500, isAnswer: isPermanentRefusal },
    );
  }

  async sendEmail(message: OutgoingEmail): Promise<void> {
    await this.deliver({ to: message.to, subject: message.subject, text: message.text }, 'email');
  }

  async sendSms(message: OutgoingSms): Promise<void> {
    if (!this.settings.smsGatewayDomain) throw new DeliveryError('SMS is not configured (SMS_EMAIL_GATEWAY_DOMAIN is unset)');
    // SMS gateways bill per 80-byte segment and ignore the subject; keep the body short.
    await this.deliver({ to: `${message.to}@${this.settings.smsGatewayDomain}`, subject: '', text: message.text }, 'sms');
  }

  async close(): Promise<void> {
    this.send.breaker.shutdown();
    this.transport.close();
  }

  private async deliver(mail: Mail, channel: 'email' | 'sms'): Promise<void> {
    try {
      await this.send(mail);
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'delivery failed');
      if (isPermanentRefusal(error)) throw new DeliveryRefusedError(`the mail server refused the ${channel}`, { cause: error });
      throw new DependencyUnavailableError(channel, `could not deliver ${channel}: the mail server is unavailable`, { cause: error });
    }
  }
}
