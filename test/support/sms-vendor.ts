// A local HTTP SMS vendor for the HTTP SMS provider (SMS_PROVIDER=http) in tests and the soak:
// answers 200 and records every message it accepted (with its idempotency key, from the
// `Idempotency-Key` header or an `id` field of a JSON body), 503 while it is "down" (`failFor`,
// `mode = 'fail'`), 400 for numbers it refuses or in `mode = 'refuse'`. Repeats of a key are
// recorded too (`received`), so a test can prove a message arrived exactly once, not only that a
// vendor deduplicating by key would have hidden the repeat.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  /** The idempotency key the sender gave, or null. */
  key: string | null;
  to: string;
  text: string;
  /** The raw request, for template tests. */
  url: string;
  auth: string | undefined;
  body: string;
  at: number;
}

/** One request as the vendor saw it, whatever it answered (200 accepted, 503 down, 400 refused). */
export interface VendorRequest {
  key: string | null;
  status: number;
  to: string;
  text: string;
  at: number;
}

export class SmsVendor {
  mode: 'ok' | 'fail' | 'refuse' = 'ok';
  /** Every accepted message, repeats included, in arrival order. */
  received: ReceivedSms[] = [];
  /** Every request, answered or not. */
  hits = 0;
  /** Every request with its idempotency key and answer, in arrival order. */
  requests: VendorRequest[] = [];
  /** Requests answered 503. */
  failures = 0;
  /** Numbers (digits) answered 400. */
  readonly refusing = new Set<string>();
  url = '';
  private downUntil = 0;
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.answer(req).then(({ status, body }) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers 503 to everything for the next `ms` milliseconds (an outage), then recovers by itself. */
  failFor(ms: number): void {
    this.downUntil = Date.now() + ms;
  }

  /** The user service's SMS_* settings that send through this vendor, the row id as `Idempotency-Key`. */
  env(): Record<string, string> {
    return {
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: `${this.url}/send`,
      SMS_HTTP_METHOD: 'POST',
      SMS_HTTP_BODY: '{"to":"{to}","text":"{text}"}',
      SMS_HTTP_CONTENT_TYPE: 'application/json',
      SMS_HTTP_AUTH_HEADER: 'Authorization: Bearer test-vendor-key',
      SMS_HTTP_IDEMPOTENCY_HEADER: 'Idempotency-Key',
    };
  }

  /** An outage until switched off (the soak's chaos loop), as opposed to `failFor`'s fixed length. */
  setOutage(on: boolean): void {
    this.mode = on ? 'fail' : 'ok';
  }

  get down(): boolean {
    return this.mode === 'fail' || Date.now() < this.downUntil;
  }

  /** Accepted messages per idempotency key. */
  byKey(): Map<string, ReceivedSms[]> {
    const keys = new Map<string, ReceivedSms[]>();
    for (const sms of this.received) {
      if (!sms.key) continue;
      keys.set(sms.key, [...(keys.get(sms.key) ?? []), sms]);
    }
    return keys;
  }

  /** Accepted messages to a number (compared by digits), oldest first. */
  to(phone: string): ReceivedSms[] {
    const digits = phone.replace(/\D/g, '');
    return this.received.filter((sms) => sms.to.replace(/\D/g, '') === digits);
  }

  reset(): void {
    this.received = [];
    this.requests = [];
    this.hits = 0;
    this.failures = 0;
    this.mode = 'ok';
    this.downUntil = 0;
    this.refusing.clear();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    this.hits++;
    let body = '';
    for await (const chunk of req) body += chunk;
    const header = req.headers['idempotency-key'];
    const answer = this.decide(req, body);
    this.requests.push({ key: typeof header === 'string' ? header : null, status: answer.status, to: answer.to ?? '', text: answer.text ?? '', at: Date.now() });
    return answer;
  }

  private decide(req: IncomingMessage, body: string): { status: number; body: unknown; to?: string; text?: string } {
    const url = new URL(req.url ?? '/', this.url);
    let fields: Record<string, unknown> = {};
    if (/json/i.test(req.headers['content-type'] ?? '') && body) {
      try {
        fields = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return { status: 400, body: { result: 'bad json' } };
      }
    }
    const to = String(fields.to ?? url.searchParams.get('to') ?? '');
    const text = String(fields.text ?? url.searchParams.get('text') ?? '');
    if (this.down) {
      this.failures++;
      return { status: 503, body: { result: 'unavailable' }, to, text };
    }
    const header = req.headers['idempotency-key'];
    const key = (typeof header === 'string' ? header : undefined) ?? (typeof fields.id === 'string' ? fields.id : null) ?? url.searchParams.get('id');
    if (this.mode === 'refuse' || this.refusing.has(to.replace(/\D/g, ''))) return { status: 400, body: { result: 'refused' }, to, text };
    this.received.push({ key, to, text, url: req.url ?? '/', auth: req.headers.authorization, body, at: Date.now() });
    return { status: 200, body: { result: 'sent' }, to, text };
  }
}
