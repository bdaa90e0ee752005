// The transaction subgraph under test (test/support/subgraph-harness.ts starts it, signs identity
// and cleans up) with an upload folder of its own. Users are just ids here: the user subgraph is
// not needed at this depth.
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { hex, SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { buildTransactionServer, type TransactionServer } from '../../src/server.ts';
import { createDatabase, type TransactionPrisma } from '../../src/database.ts';

export { hex, onlyError, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

/** A made-up signed-in user (the gateway would have verified their token). */
export const newUser = (role: Identity['role'] = 'USER'): Identity => ({ userId: randomUUID(), role });

export class TransactionHarness extends SubgraphHarness<TransactionServer, TransactionPrisma> {
  queries: string[] = [];

  constructor(extraEnv: Env = {}) {
    super('transaction', extraEnv, { database: createDatabase, localStorage: true });
  }

  protected override serviceEnv(): Env {
    return { TRANSACTION_PUBLIC_URL: undefined };
  }

  protected override buildServer(env: Env): Promise<TransactionServer> {
    return buildTransactionServer(env, { onQuery: (sql) => this.queries.push(sql) });
  }
}

export const PRODUCT_FIELDS = 'id title description price category status region imageUrls thumbnailUrls seller { id } createdAt';

export const CREATE_PRODUCT = /* GraphQL */ `
  mutation Create($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }
`;

export function productInput(overrides: Record<string, unknown> = {}) {
  return { title: `중고 자전거 ${hex(3)}`, description: '거의 새것입니다. 직거래 선호.', price: 120_000, category: 'SPORTS', region: '서울 마포구', ...overrides };
}

export async function createProduct(h: TransactionHarness, seller: Identity, overrides: Record<string, unknown> = {}): Promise<{ id: string; price: number; title: string; createdAt: string }> {
  const data = await h.ok<{ createProduct: { id: string; price: number; title: string; createdAt: string } }>(CREATE_PRODUCT, { input: productInput(overrides) }, { identity: seller });
  return data.createProduct;
}

export const START = /* GraphQL */ `mutation Start($id: ID!) { startTransaction(productId: $id) { id status price buyer { id } seller { id } product { id status } } }`;
export const MOVE = /* GraphQL */ `
  mutation Move($id: ID!, $status: TransactionStatus!) {
    updateTransactionStatus(id: $id, status: $status) { id status product { id status } history { from to by { id } at } }
  }
`;
