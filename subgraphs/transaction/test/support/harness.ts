// The transaction subgraph under test (test/support/subgraph-harness.ts starts it, signs identity
// and cleans up) with an upload folder of its own. Users are mostly just ids here; startTransaction
// reads protection settings from the user service (copies/user-owner.ts), so tests that start
// trades pass a real user subgraph started first (`new UserHarness()`, port 0) as `userOwner`.
// Without one the owner's URL points nowhere and startTransaction fails closed.
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { hex, outboxNaming, SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { afterAll, beforeAll } from 'vitest';
import { UserHarness } from '../../../user/test/support/harness.ts';
import { buildTransactionServer, type TransactionServer } from '../../src/server.ts';
import { createDatabase, type TransactionPrisma } from '../../src/database.ts';

export { hex, onlyError, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

/** A made-up signed-in user (the gateway would have verified their token). */
/**
 * Every member this test file made with `newUser` (vitest runs each file in its own process, so this is
 * the file's own): "nothing written" checks count the rows naming them (`rowsNaming`), which no other
 * file running beside this one can write.
 */
export const membersOfThisFile = new Set<string>();
export const newUser = (role: Identity['role'] = 'USER'): Identity => {
  const userId = randomUUID();
  membersOfThisFile.add(userId);
  return { userId, role };
};

export class TransactionHarness extends SubgraphHarness<TransactionServer, TransactionPrisma> {
  queries: string[] = [];

  constructor(
    extraEnv: Env = {},
    private readonly userOwner?: UserHarness,
  ) {
    super('transaction', extraEnv, { database: createDatabase, localStorage: true });
    if (userOwner) this.sharingSecretsWith(userOwner);
  }

  protected override serviceEnv(): Env {
    // Read at start, so the owner (started before) has its real URL by then. Port 9 (discard): nobody answers.
    const userUrl = this.userOwner ? this.userOwner.url : 'http://127.0.0.1:9/graphql';
    if (this.userOwner && !userUrl) throw new Error('start the user subgraph before the transaction subgraph that reads from it');
    return { TRANSACTION_PUBLIC_URL: undefined, TRANSACTION_USER_SUBGRAPH_URL: userUrl, TRANSACTION_INTERNAL_READ_TIMEOUT_MS: '500' };
  }

  protected override buildServer(env: Env): Promise<TransactionServer> {
    return buildTransactionServer(env, { onQuery: (sql) => this.queries.push(sql) });
  }
}

/**
 * A transaction subgraph with the user subgraph it reads protection from (startTransaction asks the
 * owner): the owner starts first on port 0, both stop after the file's tests.
 */
export function withUserOwner(extraEnv: Env = {}): { owner: UserHarness; h: TransactionHarness } {
  const owner = new UserHarness();
  const h = new TransactionHarness(extraEnv, owner);
  beforeAll(async () => {
    await owner.start();
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
    await owner.stop();
  });
  return { owner, h };
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

/**
 * What a refused request could have written for these members: their listings, their trades, the
 * outbox events naming them and their attached pictures. Every test file shares one database and
 * vitest runs files side by side, so a whole-table count would see other files' writes ("nothing
 * written" failed in CI when a parallel file listed 6 products meanwhile).
 */
export async function rowsNaming(h: TransactionHarness, userIds: string[]) {
  const [products, trades, outbox, attachedImages] = await Promise.all([
    h.prisma.product.count({ where: { sellerId: { in: userIds } } }),
    h.prisma.transaction.count({ where: { OR: [{ buyerId: { in: userIds } }, { sellerId: { in: userIds } }] } }),
    outboxNaming(h.prisma, userIds),
    h.prisma.imageUpload.count({ where: { ownerId: { in: userIds }, attachedTo: { not: null } } }),
  ]);
  return { products, trades, outbox, attachedImages };
}
