// PostgreSQL restarted under running services (an operator's fast restart, then a crash): no process
// dies, requests meanwhile fail with a code (never a bare 500 or a hang), and once it is back every
// service reconnects by itself: sign-up, listing, trading and reading work again, and the relay and
// the safety worker move events again (a new member gets a first safety score).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, RefusalError } from './support/client.ts';
import { FaultStack } from './support/fault-stack.ts';
import { waitUntil } from './support/free-port.ts';

let stack: FaultStack;
beforeAll(async () => {
  stack = new FaultStack({
    subgraphs: ['user', 'transaction', 'safety'],
    workers: ['safety'],
    env: { SAFETY_NIGHTLY_ENABLED: 'false' },
  });
  await stack.up();
});
afterAll(async () => {
  await stack?.stop();
});

interface Person {
  id: string;
  token: string;
}

const gql = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) => call<T>(stack.gatewayUrl, query, variables, token);

async function register(nickname: string): Promise<Person> {
  const data = await gql<{ register: { accessToken: string; user: { id: string } } }>('mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }', {
    i: { email: `pg.${randomBytes(5).toString('hex')}@example.com`, password: 'correct horse battery', nickname },
  });
  return { id: data.register.user.id, token: data.register.accessToken };
}

/** A member signs up, lists, another trades it; the new member's first safety score arrives through the worker. */
async function everythingWorks(): Promise<void> {
  const [seller, buyer] = [await register('판매자'), await register('구매자')];
  const product = await gql<{ createProduct: { id: string } }>('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
    i: { title: `재시작 시험 ${randomBytes(2).toString('hex')}`, description: '장애 시험용 상품입니다. 직거래만 합니다.', price: 15_000, category: 'OTHER' },
  }, seller.token);
  const started = await gql<{ startTransaction: { id: string; status: string } }>('mutation($id: ID!) { startTransaction(productId: $id) { id status } }', { id: product.createProduct.id }, buyer.token);
  expect(started.startTransaction.status).toBe('REQUESTED');
  const listing = await gql<{ products: { edges: Array<{ node: { id: string } }> } }>('{ products(first: 50) { edges { node { id seller { nickname } } } } }');
  expect(listing.products.edges.length).toBeGreaterThan(0);
  await waitUntil(
    () => gql<{ user: { safetyScore: { version: number } | null } }>('query($id: ID!) { user(id: $id) { safetyScore { version } } }', { id: seller.id }),
    (d) => (d.user.safetyScore?.version ?? 0) >= 1,
    30_000,
    'the new seller\'s first safety score (relay and worker moving events)',
    250,
  );
}

describe.each(['fast', 'immediate'] as const)('PostgreSQL restarted (%s)', (mode) => {
  it('services reconnect without a manual step', async () => {
    await everythingWorks();
    const person = await register('재접속');
    const pids = () => Object.fromEntries([...stack.processes].map(([name, p]) => [name, p.child.pid]));
    const pidsBefore = pids();

    stack.postgres.stop(mode);
    // Meanwhile: a coded refusal, never a bare 500 nor a hang.
    const started = Date.now();
    const refused = await gql('{ me { id nickname } }', {}, person.token).then(() => undefined, (error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(refused).toBeInstanceOf(RefusalError);
    // The store is away, not a bug: retryable, in plain words, without the driver's text.
    expect((refused as RefusalError).refusal).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', retryable: true });
    expect((refused as RefusalError).refusal.status).not.toBe(0);
    await stack.postgres.start();

    // Back: the first request may meet a connection the pool has not noticed is gone; within
    // seconds everything answers again, with no process restarted.
    await waitUntil(() => gql<{ me: { id: string } }>('{ me { id } }', {}, person.token), (d) => d.me.id === person.id, 30_000, 'the user service to answer again', 250);
    await everythingWorks();
    expect(stack.alive(), stack.logs()).toEqual(Object.fromEntries([...stack.processes.keys()].map((k) => [k, true])));
    expect(pids(), 'the same processes, none restarted').toEqual(pidsBefore);
  });
});
