// Real writes for the restore drill: members sign up, list, trade and pay through the gateway, the
// sandbox provider's checkout and the services' events, so every kind of row the system keeps
// (accounts, listings, trades, payments with ledger postings, outbox rows, processed events) is in
// the database that is backed up. Each round returns what it created, so the drill can ask the
// restored copy for exactly those rows.
import { randomBytes } from 'node:crypto';

export interface RoundResult {
  label: string;
  emails: string[];
  productIds: string[];
  tradeIds: string[];
  /** Payments left HELD (money in escrow) and RELEASED (trade completed), by id. */
  heldPaymentIds: string[];
  releasedPaymentIds: string[];
}

export const MEMBER_PASSWORD = 'restore drill passphrase';
const PRICE = 27_000;

interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * fetch, trying again when no answer came at all: after an idle pause (the backup) a kept-alive
 * socket the server has just closed fails the request before it is sent.
 */
async function request(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
      if (attempt >= 3) throw new Error(`${(error as Error).message} (${cause?.code ?? cause?.message ?? 'no cause'}) after ${attempt} attempts`);
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** One GraphQL call to the gateway; throws with the first error's code and message. */
export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as GraphQLAnswer<T>;
  if (answer.errors?.length || !answer.data) {
    const first = answer.errors?.[0];
    throw new Error(`${String(first?.extensions?.code ?? response.status)}: ${first?.message ?? 'no data'}`);
  }
  return answer.data;
}

/** Polls until `probe` returns something other than undefined; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function register(url: string, email: string, nickname: string): Promise<string> {
  const data = await gql<{ register: { accessToken: string } }>(url, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', {
    i: { email, password: MEMBER_PASSWORD, nickname },
  });
  return data.register.accessToken;
}

/**
 * A round: a seller lists `trades` products; a buyer per product starts a trade, the seller accepts
 * it, the buyer pays safely (the sandbox checkout, then the return through the gateway holds the
 * money); every other trade is then completed, which releases its payment.
 */
export async function tradingRound(gatewayUrl: string, label: string, trades: number): Promise<RoundResult> {
  const tag = `${label}.${randomBytes(3).toString('hex')}`;
  const result: RoundResult = { label, emails: [], productIds: [], tradeIds: [], heldPaymentIds: [], releasedPaymentIds: [] };
  const sellerEmail = `seller.${tag}@drill.test`;
  const sellerToken = await register(gatewayUrl, sellerEmail, `판매자${label.slice(0, 4)}`);
  result.emails.push(sellerEmail);
  for (let i = 0; i < trades; i++) {
    const buyerEmail = `buyer${i}.${tag}@drill.test`;
    const buyerToken = await register(gatewayUrl, buyerEmail, `구매자${i}`);
    result.emails.push(buyerEmail);
    const { createProduct } = await gql<{ createProduct: { id: string } }>(gatewayUrl, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
      i: { title: `복구 훈련 상품 ${label} ${i}`, description: '백업과 복구 훈련에서 만든 상품입니다.', price: PRICE, category: 'OTHER' },
    }, sellerToken);
    result.productIds.push(createProduct.id);
    const { startTransaction } = await gql<{ startTransaction: { id: string } }>(gatewayUrl, 'mutation($id: ID!) { startTransaction(productId: $id) { id } }', { id: createProduct.id }, buyerToken);
    result.tradeIds.push(startTransaction.id);
    await gql(gatewayUrl, 'mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }', { id: startTransaction.id }, sellerToken);
    // payment learns of the accepted trade from transaction's event (outbox → relay → queue).
    const payment = await until('payment to know the accepted trade', () =>
      gql<{ startSafePayment: { id: string; checkoutUrl: string } }>(gatewayUrl, 'mutation($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }', { t: startTransaction.id }, buyerToken).then((d) => d.startSafePayment),
    );
    const paid = await request(payment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
    const back = paid.headers.get('location');
    if (!back) throw new Error(`the sandbox checkout answered ${paid.status} without a way back`);
    await request(back, { redirect: 'manual' });
    await until('the money held', async () => {
      const { payment: seen } = await gql<{ payment: { status: string } }>(gatewayUrl, 'query($id: ID!) { payment(id: $id) { status } }', { id: payment.id }, buyerToken);
      return seen.status === 'HELD' ? true : undefined;
    });
    if (i % 2 === 1) {
      result.heldPaymentIds.push(payment.id);
      continue;
    }
    await gql(gatewayUrl, 'mutation($id: ID!) { updateTransactionStatus(id: $id, status: COMPLETED) { id } }', { id: startTransaction.id }, buyerToken);
    await until('the release', async () => {
      const { payment: seen } = await gql<{ payment: { status: string } }>(gatewayUrl, 'query($id: ID!) { payment(id: $id) { status } }', { id: payment.id }, buyerToken);
      return seen.status === 'RELEASED' ? true : undefined;
    });
    result.releasedPaymentIds.push(payment.id);
  }
  return result;
}

/** Signs in through the gateway; the access token, or null when the account does not exist there. */
export async function signIn(gatewayUrl: string, email: string): Promise<string | null> {
  try {
    const { signIn: answer } = await gql<{ signIn: { auth: { accessToken: string } | null } }>(gatewayUrl, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { auth { accessToken } } }', { e: email, p: MEMBER_PASSWORD });
    return answer.auth?.accessToken ?? null;
  } catch (error) {
    if (/UNAUTHENTICATED|BAD_USER_INPUT|NOT_FOUND|INVALID_CREDENTIALS/.test((error as Error).message)) return null;
    throw error;
  }
}
