// The sandbox payment provider: a small HTTP process speaking Toss Payments' protocol (see
// providers/toss-protocol.ts) so development and tests run the same code path as production:
// create → a checkout page a person or a script completes with plain HTTP → confirm → a signed
// PAYMENT_STATUS_CHANGED webhook. Switches (POST /sandbox/switches) make it fail confirmations,
// delay or duplicate webhooks, or drop them, for tests of what a real provider does on a bad day.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook } from '../providers/webhook-signature.ts';
import { SandboxLedger, SandboxRefusal, type SandboxPayment } from './sandbox-state.ts';
import { checkoutPage } from './checkout-page.ts';

export interface SandboxOptions {
  port: number;
  host?: string;
  /** The secret key merchants authenticate with (Basic auth user, empty password). */
  secretKey: string;
  /** The key webhooks are signed with. */
  webhookKey: string;
  /** Where PAYMENT_STATUS_CHANGED webhooks go (the payment service's webhook route); null: none. */
  webhookUrl: string | null;
  /** The sandbox's own address as browsers reach it (for checkout links); default http://127.0.0.1:<port>. */
  publicUrl?: string;
  log?: (message: string) => void;
}

export interface SandboxSwitches {
  /** The next N confirmations answer 500 PROVIDER_ERROR without confirming. */
  failConfirms: number;
  /** Confirmations answer only after this long (tests of our timeouts). */
  confirmDelayMs: number;
  webhookDelayMs: number;
  /** Every webhook is sent twice. */
  duplicateWebhooks: boolean;
  /** No webhooks at all (the confirm answer or a read must do). */
  dropWebhooks: boolean;
}

const NO_SWITCHES: SandboxSwitches = { failConfirms: 0, confirmDelayMs: 0, webhookDelayMs: 0, duplicateWebhooks: false, dropWebhooks: false };

export interface SandboxHandle {
  url: string;
  server: Server;
  ledger: SandboxLedger;
  switches: SandboxSwitches;
  /** Webhooks handed to the network so far (tests wait on it). */
  webhooksSent: () => number;
  close: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(request: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new SandboxRefusal(413, 'INVALID_REQUEST', 'The body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const ledger = new SandboxLedger();
  const switches: SandboxSwitches = { ...NO_SWITCHES };
  const log = options.log ?? (() => undefined);
  const expectedAuth = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;
  let baseUrl = '';
  let sent = 0;

  const view = (payment: SandboxPayment) => ({
    mId: 'sandbox',
    version: '2022-11-16',
    paymentKey: payment.paymentKey,
    orderId: payment.orderId,
    orderName: payment.orderName,
    method: payment.method,
    currency: 'KRW',
    status: payment.status,
    totalAmount: payment.totalAmount,
    balanceAmount: payment.balanceAmount,
    requestedAt: payment.requestedAt,
    approvedAt: payment.approvedAt,
    cancels: payment.cancels.length ? payment.cancels : null,
    checkout: payment.status === 'READY' ? { url: `${baseUrl}/checkout/${payment.paymentKey}` } : null,
  });

  async function deliver(payment: SandboxPayment): Promise<void> {
    if (!options.webhookUrl || switches.dropWebhooks) return;
    const body = JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', createdAt: new Date().toISOString(), data: view(payment) });
    const copies = switches.duplicateWebhooks ? 2 : 1;
    if (switches.webhookDelayMs) await sleep(switches.webhookDelayMs);
    for (let copy = 0; copy < copies; copy++) {
      // A provider retries a webhook that was not answered 2xx (Toss: up to 7 times over days; here 4 times within ~8 s).
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          const headers = { 'content-type': 'application/json', ...signWebhook([options.webhookKey], body, new Date().toISOString()) };
          const answer = await fetch(options.webhookUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
          sent++;
          if (answer.ok) break;
          log(`webhook ${payment.paymentKey} answered ${answer.status}`);
        } catch (error) {
          log(`webhook ${payment.paymentKey} failed: ${(error as Error).message}`);
        }
        await sleep(500 * 2 ** attempt);
      }
    }
  }

  async function api(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.headers.authorization !== expectedAuth) throw new SandboxRefusal(401, 'UNAUTHORIZED_KEY', 'The secret key is not valid.');
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    const raw = request.method === 'POST' ? await readBody(request) : '';
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    let match: RegExpMatchArray | null;
    if (request.method === 'POST' && path === '/v1/payments') {
      const payment = ledger.idempotent(idempotencyKey, body, () =>
        ledger.create({
          orderId: String(body.orderId ?? ''),
          orderName: String(body.orderName ?? ''),
          amount: Number(body.amount),
          method: String(body.method ?? 'CARD'),
          successUrl: String(body.successUrl ?? ''),
          failUrl: String(body.failUrl ?? ''),
        }),
      );
      return send(response, 200, view(payment));
    }
    if (request.method === 'POST' && path === '/v1/payments/confirm') {
      if (switches.confirmDelayMs) await sleep(switches.confirmDelayMs);
      if (switches.failConfirms > 0) {
        switches.failConfirms--;
        throw new SandboxRefusal(500, 'PROVIDER_ERROR', 'The card company did not answer.');
      }
      let fresh = false;
      const payment = ledger.idempotent(idempotencyKey, body, () => {
        fresh = true;
        return ledger.confirm({ paymentKey: String(body.paymentKey), orderId: String(body.orderId), amount: Number(body.amount) });
      });
      if (fresh) void deliver(payment);
      return send(response, 200, view(payment));
    }
    if (request.method === 'POST' && (match = path.match(/^\/v1\/payments\/([^/]+)\/cancel$/))) {
      let fresh = false;
      const payment = ledger.idempotent(idempotencyKey, { ...body, paymentKey: match[1] }, () => {
        fresh = true;
        return ledger.cancel(decodeURIComponent(match![1]!), String(body.cancelReason ?? ''), body.cancelAmount === undefined ? undefined : Number(body.cancelAmount));
      });
      if (fresh) void deliver(payment);
      return send(response, 200, view(payment));
    }
    if (request.method === 'GET' && (match = path.match(/^\/v1\/payments\/([^/]+)$/))) return send(response, 200, view(ledger.get(decodeURIComponent(match[1]!))));
    if (request.method === 'GET' && path === '/v1/transactions') {
      // Toss's transactions lookup: startDate and endDate required, cursor paging by startingAfter, limit ≤ 5000.
      const query = new URL(request.url ?? '/', baseUrl).searchParams;
      const from = new Date(query.get('startDate') ?? '');
      const to = new Date(query.get('endDate') ?? '');
      const limit = Number(query.get('limit') ?? 100);
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'startDate and endDate are required.');
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 5_000) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'limit must be 1–5000.');
      const page = ledger.transactionLog(from, to, { startingAfter: query.get('startingAfter') ?? undefined, limit });
      return send(response, 200, page.map((t) => ({ mId: 'sandbox', ...t, customerKey: null, useEscrow: false, receiptUrl: null, currency: 'KRW' })));
    }
    throw new SandboxRefusal(404, 'NOT_FOUND', 'No such API.');
  }

  async function checkout(request: IncomingMessage, response: ServerResponse, paymentKey: string): Promise<void> {
    if (request.method === 'GET') {
      const payment = ledger.get(paymentKey);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(checkoutPage(payment));
      return;
    }
    const form = new URLSearchParams(await readBody(request));
    const payment = ledger.checkout(paymentKey, form.get('action') === 'pay' ? 'pay' : 'abort');
    const target =
      payment.status === 'IN_PROGRESS'
        ? `${payment.successUrl}${payment.successUrl.includes('?') ? '&' : '?'}${new URLSearchParams({ paymentKey: payment.paymentKey, orderId: payment.orderId, amount: String(payment.totalAmount) })}`
        : `${payment.failUrl}${payment.failUrl.includes('?') ? '&' : '?'}${new URLSearchParams({ code: 'PAY_PROCESS_CANCELED', message: '구매자가 결제를 취소했습니다.', orderId: payment.orderId })}`;
    response.writeHead(303, { location: target }).end();
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    const route = async () => {
      if (path === '/healthz' || path === '/readyz') return send(response, 200, { ok: true });
      if (path === '/sandbox/switches' && request.method === 'POST') {
        Object.assign(switches, NO_SWITCHES, JSON.parse((await readBody(request)) || '{}') as Partial<SandboxSwitches>);
        return send(response, 200, switches);
      }
      const checkoutMatch = path.match(/^\/checkout\/([^/]+)$/);
      if (checkoutMatch) return checkout(request, response, decodeURIComponent(checkoutMatch[1]!));
      return api(request, response, path);
    };
    route().catch((error: unknown) => {
      if (error instanceof SandboxRefusal) return send(response, error.status, { code: error.code, message: error.message });
      if (error instanceof SyntaxError) return send(response, 400, { code: 'INVALID_REQUEST', message: 'The body is not JSON.' });
      log(`sandbox error: ${(error as Error).message}`);
      send(response, 500, { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: 'Internal error.' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = options.publicUrl ?? `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    server,
    ledger,
    switches,
    webhooksSent: () => sent,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
