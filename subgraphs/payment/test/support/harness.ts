// The payment subgraph under test with the sandbox provider beside it: the sandbox's webhooks go
// to a small relay that signs them the way the gateway's pass-through does, so the payment service
// sees exactly what production sees. Trades are made known the way transaction announces them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { createDatabase, type PaymentPrisma } from '../../src/database.ts';
import { buildPaymentServer, type PaymentServer } from '../../src/server.ts';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.ts';
import type { UserHarness } from '../../../user/test/support/harness.ts';

export { admin, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

const SECRET_KEY = 'test_sk_payment_harness';
const WEBHOOK_KEY = 'payment-harness-webhook-key';

export const PAYMENT_FIELDS = 'id status amount checkoutUrl autoReleaseAt payer { id } payee { id } transaction { id } history { from to reason }';

export class PaymentHarness extends SubgraphHarness<PaymentServer, PaymentPrisma> {
  sandbox!: SandboxHandle;
  private relay!: Server;
  /** Answers of the payment service to relayed webhooks. */
  readonly webhookAnswers: number[] = [];

  /**
   * `userOwner`: a user subgraph started first (port 0), read for the buyer's payment-approving
   * guardians when a large or risky payment starts; without one its URL points nowhere (port 9),
   * so such a payment fails closed.
   */
  constructor(
    extraEnv: Env = {},
    private readonly userOwner?: UserHarness,
  ) {
    super('payment', extraEnv, { database: createDatabase });
    if (userOwner) this.sharingSecretsWith(userOwner);
  }

  override async start(): Promise<this> {
    this.relay = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', async () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (const name of ['tosspayments-webhook-signature', 'tosspayments-webhook-transmission-time']) headers[name] = String(request.headers[name] ?? '');
        const answer = await this.send(`${this.base}/payments/webhook`, { method: 'POST', body, headers }).catch(() => null);
        this.webhookAnswers.push(answer?.status ?? 0);
        response.writeHead(answer?.status ?? 502).end();
      });
    });
    await new Promise<void>((resolve) => this.relay.listen(0, '127.0.0.1', resolve));
    const relayUrl = `http://127.0.0.1:${(this.relay.address() as AddressInfo).port}/payments/webhook`;
    this.sandbox = await startSandbox({ port: 0, secretKey: SECRET_KEY, webhookKey: WEBHOOK_KEY, webhookUrl: relayUrl });
    return super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.sandbox?.close();
    await new Promise((resolve) => this.relay?.close(resolve));
  }

  protected override serviceEnv(): Env {
    return {
      PAYMENT_PROVIDER_URL: this.sandbox.url,
      PAYMENT_SECRET_KEY: SECRET_KEY,
      PAYMENT_WEBHOOK_KEY: WEBHOOK_KEY,
      PAYMENT_PUBLIC_URL: 'http://gateway.test',
      PAYMENT_APP_RETURN_URL: 'http://app.test/payments/done',
      PAYMENT_PROVIDER_TIMEOUT_MS: '2000',
      PAYMENT_USER_SUBGRAPH_URL: this.userOwner?.url ?? 'http://127.0.0.1:9/graphql',
      PAYMENT_INTERNAL_READ_TIMEOUT_MS: '500',
    };
  }

  protected override buildServer(env: Env): Promise<PaymentServer> {
    return buildPaymentServer(env);
  }

  /** A trade between buyer and seller, REQUESTED then (unless told otherwise) ACCEPTED, as transaction announces it. */
  async trade(buyer: Identity, seller: Identity, options: { price?: number; accepted?: boolean } = {}): Promise<string> {
    const transactionId = randomUUID();
    const data = { transactionId, productId: randomUUID(), buyerId: buyer.userId, sellerId: seller.userId, amount: options.price ?? 120_000 };
    await this.deliver({ type: 'transaction.requested', producer: 'transaction', subjectUserId: buyer.userId, data: { ...data, by: buyer.userId, at: new Date().toISOString() } });
    if (options.accepted !== false) {
      await this.deliver({ type: 'transaction.accepted', producer: 'transaction', subjectUserId: seller.userId, data: { ...data, by: seller.userId, at: new Date().toISOString() } });
    }
    return transactionId;
  }

  /** Ends the trade the way transaction announces it (COMPLETED by the buyer, CANCELLED by either). */
  async endTrade(transactionId: string, buyer: Identity, seller: Identity, outcome: 'completed' | 'cancelled', price = 120_000): Promise<void> {
    const base = { transactionId, productId: randomUUID(), buyerId: buyer.userId, sellerId: seller.userId, amount: price, by: buyer.userId, at: new Date().toISOString() };
    if (outcome === 'completed') await this.deliver({ type: 'transaction.completed', producer: 'transaction', subjectUserId: buyer.userId, data: base });
    else await this.deliver({ type: 'transaction.cancelled', producer: 'transaction', subjectUserId: buyer.userId, data: { ...base, fromStatus: 'ACCEPTED' } });
  }

  /** The buyer pays at the sandbox's checkout with one form POST; returns where the browser is sent back to. */
  async payAtCheckout(checkoutUrl: string, action: 'pay' | 'abort' = 'pay'): Promise<URL> {
    const answer = await fetch(checkoutUrl, { method: 'POST', body: new URLSearchParams({ action }), redirect: 'manual' });
    return new URL(answer.headers.get('location')!);
  }

  /** The browser's return (the gateway passes it through, signed): where the buyer is sent on to. */
  async returnFromCheckout(back: URL): Promise<URL> {
    const answer = await this.send(`${this.base}/payments/return${back.search}`, { redirect: 'manual' });
    return new URL(answer.headers.get('location')!);
  }
}
