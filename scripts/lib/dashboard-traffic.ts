// The traffic `npm run dashboard:render` draws: the demo seed (members, listings, trades in every
// state, reports and their decisions, conversations with fraudsters' messages), safe payments
// through the sandbox provider (released, refunded, disputed), and a steady read load with a few
// refused requests on the side, all through the gateway as an app would send them.
import { randomBytes } from 'node:crypto';
import { seedMarketplace } from './seed-marketplace.ts';
import type { RenderStack } from './dashboard-stack.ts';

type Errors = Array<{ message: string; extensions?: { code?: string } }> | undefined;

async function call<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ data?: T; errors: Errors }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors: Errors };
}

async function ok<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const { data, errors } = await call<T>(url, query, variables, token);
  if (errors?.length) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(errors)}`);
  return data!;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const MOVE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { id } }`;

async function member(url: string, role: 'seller' | 'buyer', round: number): Promise<{ id: string; token: string }> {
  const email = `${role}${round}.${randomBytes(4).toString('hex')}@example.com`;
  const nickname = `${role === 'seller' ? '판매자' : '구매자'}${round}`;
  const { register } = await ok(url, REGISTER, { input: { email, password: 'dashboard render 123', nickname } });
  return { id: register.user.id, token: register.accessToken };
}

/** One paid trade: held at the sandbox's checkout, then released, refunded or disputed. */
async function paidTrade(stack: RenderStack, ending: 'COMPLETED' | 'CANCELLED' | 'DISPUTE', round: number): Promise<void> {
  const url = stack.gatewayUrl;
  const seller = await member(url, 'seller', round);
  const buyer = await member(url, 'buyer', round);
  const product = (await ok(url, `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: `중고 노트북 ${round}`, description: '배터리 상태 좋아요', price: 150_000 + round * 10_000, category: 'DIGITAL' } }, seller.token)).createProduct;
  const trade = (await ok(url, `mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, buyer.token)).startTransaction;
  await ok(url, MOVE, { id: trade.id, s: 'ACCEPTED' }, seller.token);
  const payment = await until('payment to know the trade', async () => {
    const result = await call(url, `mutation($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }`, { t: trade.id }, buyer.token);
    return result.errors ? undefined : result.data!.startSafePayment;
  });
  const paid = await fetch(payment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
  await fetch(paid.headers.get('location')!, { redirect: 'manual' });
  if (ending === 'DISPUTE') await ok(url, `mutation($id: ID!, $r: String!) { disputePayment(id: $id, reason: $r) { id } }`, { id: payment.id, r: '받은 물건이 설명과 달라요' }, buyer.token);
  else await ok(url, MOVE, { id: trade.id, s: ending }, ending === 'COMPLETED' ? buyer.token : seller.token);
}

/** Product reads at about `perSecond`, and every tenth request one the gateway refuses, until stopped. */
export function readLoad(stack: RenderStack, perSecond: number): { stop(): Promise<void>; requests: () => number } {
  let stopped = false;
  let requests = 0;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      const refused = requests % 10 === 9;
      await call(stack.gatewayUrl, refused ? '{ products(first: 20) { id noSuchField } }' : '{ products(first: 20) { id title price seller { nickname } } }').catch(() => undefined);
      requests += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 / perSecond - (Date.now() - started))));
    }
  })();
  return {
    requests: () => requests,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The demo marketplace, then a round of safe payments with every ending. */
export async function driveTraffic(stack: RenderStack, log: (line: string) => void, scale: { users: number; products: number; payments: number }): Promise<void> {
  const seeded = await seedMarketplace({
    gatewayUrl: stack.gatewayUrl,
    userServiceUrl: stack.userOperationsUrl,
    adminEmail: stack.admin.email,
    adminPassword: stack.admin.password,
    users: scale.users,
    products: scale.products,
    concurrency: 3,
    waitTimeoutMs: 120_000,
    log,
  });
  log(`seeded: ${JSON.stringify(seeded.created)}`);
  const endings = ['COMPLETED', 'COMPLETED', 'CANCELLED', 'COMPLETED', 'DISPUTE'] as const;
  for (let round = 0; round < scale.payments; round += 1) {
    await paidTrade(stack, endings[round % endings.length]!, round);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  log(`${scale.payments} safe payments`);
}
