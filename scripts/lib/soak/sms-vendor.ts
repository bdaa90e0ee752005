// A local SMS vendor for the user service's generic HTTP provider (SMS_PROVIDER=http; protocol as in
// subgraphs/user/test/sms-http.integration.test.ts: POST {to, text} as JSON). It records every
// message it received, accepted or not, with the idempotency key header when the sender sends one,
// and it can be switched into an outage (HTTP 503 to everything) for a while.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  at: number;
  to: string;
  text: string;
  /** The `Idempotency-Key` (or `X-Idempotency-Key`) header, when the sender sent one. */
  idempotencyKey: string | null;
  /** What we answered: 200 accepted, 503 during an outage. */
  status: number;
}

export class SmsVendor {
  readonly received: ReceivedSms[] = [];
  private outage = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.answer(request).then((status) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ result: status === 200 ? 'sent' : 'unavailable' })));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The user service's SMS_* settings that send through this vendor. */
  env(): Record<string, string> {
    return {
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: `${this.url}/send`,
      SMS_HTTP_METHOD: 'POST',
      SMS_HTTP_BODY: '{"to":"{to}","text":"{text}"}',
      SMS_HTTP_CONTENT_TYPE: 'application/json',
      SMS_HTTP_AUTH_HEADER: 'Authorization: Bearer soak-vendor-key',
    };
  }

  setOutage(on: boolean): void {
    this.outage = on;
  }

  get inOutage(): boolean {
    return this.outage;
  }

  /** Messages this vendor accepted (answered 200) to `to`, oldest first. */
  acceptedTo(to: string): ReceivedSms[] {
    return this.received.filter((m) => m.status === 200 && m.to === to);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private async answer(request: IncomingMessage): Promise<number> {
    let body = '';
    for await (const chunk of request) body += chunk;
    let parsed: { to?: unknown; text?: unknown } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // recorded as received with what we could read; a malformed request is a refusal
    }
    const header = request.headers['idempotency-key'] ?? request.headers['x-idempotency-key'];
    const status = typeof parsed.to !== 'string' || typeof parsed.text !== 'string' ? 400 : this.outage ? 503 : 200;
    this.received.push({ at: Date.now(), to: String(parsed.to ?? ''), text: String(parsed.text ?? ''), idempotencyKey: header ? String(header) : null, status });
    return status;
  }
}
