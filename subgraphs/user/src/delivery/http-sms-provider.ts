// SMS through any HTTP SMS API (most Korean bulk-SMS vendors have one): SMS_HTTP_URL and
// SMS_HTTP_BODY are templates where {to}, {text} and {id} (the message's idempotency key) are
// replaced, SMS_HTTP_AUTH_HEADER adds one header and SMS_HTTP_IDEMPOTENCY_HEADER names a header
// that carries the key, for vendors that drop a repeated message. Each send has a timeout and
// retries with backoff behind a circuit breaker: while the vendor is down, sends fail at once with
// DependencyUnavailableError('sms') instead of piling up (ARCHITECTURE §4). A 4xx answer is the
// vendor refusing this message (DeliveryRefusedError): not retried, not held against the breaker.
import { randomUUID } from 'node:crypto';
import { CircuitOpenError, DependencyUnavailableError, resilient, type Logger } from '@anshim/platform';
import { DeliveryRefusedError, type OutgoingSms } from './delivery.ts';

export interface HttpSmsSettings {
  urlTemplate: string;
  method: 'POST' | 'GET' | 'PUT';
  bodyTemplate: string;
  contentType: string;
  /** `Name: value`. */
  authHeader?: string;
  /** A header carrying the message's idempotency key (e.g. `Idempotency-Key`). */
  idempotencyHeader?: string;
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
  breaker: { errorPercent: number; volume: number; resetMs: number };
}

class VendorRefused extends Error {
  constructor(readonly status: number) {
    super(`the SMS provider refused the message (HTTP ${status})`);
  }
}

type Placeholder = 'to' | 'text' | 'id';
const fill = (template: string, values: Record<Placeholder, string>, escape: (v: string) => string) =>
  template.replace(/\{(to|text|id)\}/g, (_m, name: Placeholder) => escape(values[name]));

export class HttpSmsSender {
  private readonly send: ((sms: OutgoingSms & { idempotencyKey: string }) => Promise<void>) & { breaker: { shutdown(): void; opened: boolean; halfOpen: boolean } };

  constructor(
    private readonly settings: HttpSmsSettings,
    private readonly logger: Logger,
  ) {
    this.send = resilient((sms: OutgoingSms & { idempotencyKey: string }) => this.post(sms), {
      name: 'sms-http',
      timeoutMs: settings.timeoutMs,
      attempts: settings.attempts,
      backoffMs: settings.backoffMs,
      errorThresholdPercentage: settings.breaker.errorPercent,
      volumeThreshold: settings.breaker.volume,
      resetTimeoutMs: settings.breaker.resetMs,
      isAnswer: (error) => error instanceof VendorRefused,
    });
  }

  /** closed, open (failing fast) or half-open (the next send is the trial). */
  get state(): 'closed' | 'open' | 'half-open' {
    return this.send.breaker.halfOpen ? 'half-open' : this.send.breaker.opened ? 'open' : 'closed';
  }

  async sendSms(sms: OutgoingSms): Promise<void> {
    try {
      // One key for every retry of this message; a message without one (a code sent now) gets its own.
      await this.send({ ...sms, idempotencyKey: sms.idempotencyKey ?? randomUUID() });
    } catch (error) {
      if (error instanceof CircuitOpenError) throw new DependencyUnavailableError('sms', 'SMS provider unavailable: circuit open after repeated failures; failing fast', { cause: error });
      this.logger.warn({ err: error }, 'SMS delivery failed');
      if (error instanceof VendorRefused) throw new DeliveryRefusedError(error.message, { cause: error });
      throw new DependencyUnavailableError('sms', 'SMS provider unavailable: could not deliver sms', { cause: error });
    }
  }

  close(): void {
    this.send.breaker.shutdown();
  }

  private async post(sms: OutgoingSms & { idempotencyKey: string }): Promise<void> {
    const values = { to: sms.to, text: sms.text, id: sms.idempotencyKey };
    const url = fill(this.settings.urlTemplate, values, encodeURIComponent);
    const json = /json/i.test(this.settings.contentType);
    const body = this.settings.method === 'GET' || !this.settings.bodyTemplate
      ? undefined
      : fill(this.settings.bodyTemplate, values, json ? (v) => JSON.stringify(v).slice(1, -1) : encodeURIComponent);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = this.settings.contentType;
    if (this.settings.authHeader) {
      const at = this.settings.authHeader.indexOf(':');
      headers[this.settings.authHeader.slice(0, at).trim()] = this.settings.authHeader.slice(at + 1).trim();
    }
    if (this.settings.idempotencyHeader) headers[this.settings.idempotencyHeader] = sms.idempotencyKey;
    const response = await fetch(url, { method: this.settings.method, headers, body, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new VendorRefused(response.status);
    if (!response.ok) throw new Error(`the SMS provider answered HTTP ${response.status}`);
  }
}
