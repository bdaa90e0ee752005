// What the payment fault tests put around a real payment process: the sandbox provider (in this
// process, so its records can be read), a stand-in for the gateway's pass-through (signs the
// browser's return and the provider's webhooks for the payment process, wherever it runs after a
// restart; 502 while it is down, as the gateway answers), a tap between the payment process and
// the provider that can hold the provider's answer to a confirmation (the provider has confirmed;
// our write has not happened yet: the moment to kill a process or stop PostgreSQL), trades made
// known through a real outbox and relay, and the checks every fault ends with.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { bodySha256, signIdentityHeaders, type Identity } from '@anshim/platform';
import { startSandbox, type SandboxHandle } from '../../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { createDatabase, type PaymentPrisma } from '../../../subgraphs/payment/src/database.ts';
import { reconcile, type ReconciliationReport } from '../../../subgraphs/payment/src/reconciliation/reconcile.ts';
import { tossProtocolProvider } from '../../../subgraphs/payment/src/providers/toss-protocol.ts';
import { FakeProducer } from '../../support/fake-producer.ts';

export const PAYMENT_KEYS = { PAYMENT_SECRET_KEY: 'test_sk_payment_faults', PAYMENT_WEBHOOK_KEY: 'payment-faults-webhook-key' };

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A held confirmation: `confirmed` once the provider answered; `release` passes the answer on, `drop` never does. */
export interface HeldConfirm {
  confirmed: Promise<void>;
  release(): void;
  drop(): void;
}

export class PaymentFlow {
  sandbox!: SandboxHandle;
  /** The gateway stand-in's origin (PAYMENT_PUBLIC_URL) and the provider tap's (PAYMENT_PROVIDER_URL). */
  gatewayUrl = '';
  providerUrl = '';
  private gateway!: Server;
  private tap!: Server;
  private producer!: FakeProducer;
  private held: { onConfirmed: () => void; gate: Promise<'release' | 'drop'>; open: (how: 'release' | 'drop') => void; confirmed: Promise<void> } | null = null;
  prisma!: PaymentPrisma;
  sql!: pg.Pool;

  /** `paymentUrl()`: the payment process's origin right now (it changes when it restarts). */
  constructor(private readonly options: { secret: () => string; paymentUrl: () => string | null; databaseUrl: string; redis: { url: string; prefix: string } }) {}

  async start(): Promise<this> {
    this.gateway = createServer((request, response) => {
      void (async () => {
        const body = await readBody(request);
        const target = this.options.paymentUrl();
        const path = request.url ?? '/';
        const method = request.method ?? 'GET';
        const signed = signIdentityHeaders(this.options.secret(), null, { method, subgraph: 'payment', path, bodySha256: bodySha256(body) }, randomUUID());
        const headers: Record<string, string> = { ...signed };
        for (const name of ['content-type', 'tosspayments-webhook-signature', 'tosspayments-webhook-transmission-time']) if (request.headers[name]) headers[name] = String(request.headers[name]);
        const answer = target ? await fetch(`${target}${path}`, { method, headers, body: method === 'GET' ? undefined : body, redirect: 'manual' }).catch(() => null) : null;
        if (!answer) return response.writeHead(502).end();
        const location = answer.headers.get('location');
        response.writeHead(answer.status, location ? { location } : {}).end(Buffer.from(await answer.arrayBuffer()));
      })();
    });
    this.gatewayUrl = await listen(this.gateway);
    this.sandbox = await startSandbox({ port: 0, secretKey: PAYMENT_KEYS.PAYMENT_SECRET_KEY, webhookKey: PAYMENT_KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `${this.gatewayUrl}/payments/webhook` });
    this.tap = createServer((request, response) => {
      void (async () => {
        const body = await readBody(request);
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'idempotency-key']) if (request.headers[name]) headers[name] = String(request.headers[name]);
        const answer = await fetch(`${this.sandbox.url}${request.url}`, { method: request.method, headers, body: request.method === 'GET' ? undefined : body });
        const text = await answer.text();
        const held = request.url === '/v1/payments/confirm' ? this.held : null;
        if (held) {
          this.held = null;
          held.onConfirmed();
          if ((await held.gate) === 'drop') return response.destroy();
        }
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
      })().catch(() => response.destroy());
    });
    this.providerUrl = await listen(this.tap);
    this.producer = await new FakeProducer({ databaseUrl: this.options.databaseUrl, redis: this.options.redis }).start();
    this.prisma = createDatabase({ databaseUrl: this.options.databaseUrl });
    this.sql = new pg.Pool({ connectionString: this.options.databaseUrl, options: '-c search_path=svc_payment', max: 2, connectionTimeoutMillis: 3_000 });
    this.sql.on('error', () => undefined);
    return this;
  }

  /** The next confirmation's answer waits at the tap until released or dropped. */
  holdNextConfirm(): HeldConfirm {
    let onConfirmed!: () => void;
    let open!: (how: 'release' | 'drop') => void;
    const confirmed = new Promise<void>((resolve) => (onConfirmed = resolve));
    const gate = new Promise<'release' | 'drop'>((resolve) => (open = resolve));
    this.held = { onConfirmed, gate, open, confirmed };
    return { confirmed, release: () => open('release'), drop: () => open('drop') };
  }

  /** An accepted trade between two new members, announced the way transaction announces it. */
  async trade(price: number): Promise<{ buyer: Identity; seller: Identity; transactionId: string }> {
    const buyer: Identity = { userId: randomUUID(), role: 'USER' };
    const seller: Identity = { userId: randomUUID(), role: 'USER' };
    const transactionId = randomUUID();
    const data = { transactionId, productId: randomUUID(), buyerId: buyer.userId, sellerId: seller.userId, amount: price };
    await this.producer.publish({ type: 'transaction.requested', producer: 'transaction', subjectUserId: buyer.userId, data: { ...data, by: buyer.userId, at: new Date().toISOString() } });
    const accepted = await this.producer.publish({ type: 'transaction.accepted', producer: 'transaction', subjectUserId: seller.userId, data: { ...data, by: seller.userId, at: new Date().toISOString() } });
    await this.producer.processedBy('payment', accepted.id, 60_000);
    return { buyer, seller, transactionId };
  }

  /** GraphQL to the payment process, signed as the gateway signs it. */
  async gql<T>(query: string, variables: Record<string, unknown>, identity: Identity): Promise<T> {
    const body = JSON.stringify({ query, variables });
    const requestId = randomUUID();
    const headers = { 'content-type': 'application/json', 'x-request-id': requestId, ...signIdentityHeaders(this.options.secret(), identity, { method: 'POST', subgraph: 'payment', path: '/graphql', bodySha256: bodySha256(body) }, requestId) };
    const answer = (await (await fetch(`${this.options.paymentUrl()}/graphql`, { method: 'POST', headers, body })).json()) as { data?: T; errors?: unknown };
    if (answer.errors || !answer.data) throw new Error(`payment answered ${JSON.stringify(answer.errors)}`);
    return answer.data;
  }

  /** Starts a safe payment and pays at the checkout: where the buyer's browser is sent back to. */
  async startAndPay(price: number): Promise<{ paymentId: string; orderId: string; back: URL }> {
    const { buyer, transactionId } = await this.trade(price);
    const { startSafePayment } = await this.gql<{ startSafePayment: { id: string; checkoutUrl: string } }>('mutation ($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }', { t: transactionId }, buyer);
    const paid = await fetch(startSafePayment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
    return { paymentId: startSafePayment.id, orderId: `anshim-${startSafePayment.id}`, back: new URL(paid.headers.get('location')!) };
  }

  /** What our books say about one payment: status, HOLD entries, HELD history rows, payment.held events. */
  async booked(paymentId: string): Promise<{ status: string; holds: number; heldChanges: number; heldEvents: number }> {
    const one = async (query: string) => Number((await this.sql.query<{ n: string }>(query, [paymentId])).rows[0]!.n);
    return {
      status: (await this.sql.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [paymentId])).rows[0]!.status,
      holds: await one(`SELECT count(*) AS n FROM ledger_entries WHERE payment_id = $1 AND kind = 'HOLD'`),
      heldChanges: await one(`SELECT count(*) AS n FROM payment_status_changes WHERE payment_id = $1 AND to_status = 'HELD'`),
      heldEvents: await one(`SELECT count(*) AS n FROM outbox_events WHERE type = 'payment.held' AND payload->'data'->>'paymentId' = $1::text`),
    };
  }

  /** The reconciliation over everything this stack ever did. */
  reconcile(): Promise<ReconciliationReport> {
    const provider = tossProtocolProvider({ name: 'sandbox', baseUrl: this.sandbox.url, secretKey: PAYMENT_KEYS.PAYMENT_SECRET_KEY, webhookKey: PAYMENT_KEYS.PAYMENT_WEBHOOK_KEY, requireSignedWebhooks: true, webhookMaxAgeMs: 300_000, timeoutMs: 5_000, attempts: 2 });
    return reconcile({ prisma: this.prisma, provider }, { from: new Date(0), to: new Date(Date.now() + 1_000) });
  }

  async stop(): Promise<void> {
    this.held?.open('drop');
    await this.producer?.stop().catch(() => undefined);
    await this.prisma?.$disconnect();
    await this.sql?.end().catch(() => undefined);
    await this.sandbox?.close();
    for (const server of [this.gateway, this.tap]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  }
}
