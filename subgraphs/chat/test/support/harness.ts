// The chat subgraph under test (test/support/subgraph-harness.ts starts it, signs identity, stands
// in for the services that send it events, opens graphql-ws subscriptions the way the gateway does,
// and cleans up), plus listings made known the way transaction announces them. The listing copy
// reads through to transaction (copies/read-through-listings.ts): a test that needs its answer
// passes a real transaction subgraph started first (port 0) as `transactionOwner`; without it the
// owner's URL points nowhere and such a read fails closed.
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import type { TransactionHarness } from '../../../transaction/test/support/harness.ts';
import { buildChatServer, type ChatServer } from '../../src/server.ts';
import { createDatabase, type ChatPrisma } from '../../src/database.ts';
import type { MessageScreen, ProductStatus } from '../../src/model.ts';

export { admin, hex, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

export class ChatHarness extends SubgraphHarness<ChatServer, ChatPrisma> {
  constructor(
    extraEnv: Env = {},
    private readonly screen?: MessageScreen,
    private readonly transactionOwner?: TransactionHarness,
  ) {
    super('chat', extraEnv, { database: createDatabase });
    if (transactionOwner) this.sharingSecretsWith(transactionOwner);
  }

  protected override serviceEnv(): Env {
    // Read at start, when the owner (started before) has its real URL. Port 9 (discard): nobody answers.
    if (this.transactionOwner && !this.transactionOwner.url) throw new Error('start the transaction subgraph before the chat subgraph that reads from it');
    return { CHAT_TRANSACTION_SUBGRAPH_URL: this.transactionOwner?.url ?? 'http://127.0.0.1:9/graphql', CHAT_INTERNAL_READ_TIMEOUT_MS: '500' };
  }

  protected override buildServer(env: Env): Promise<ChatServer> {
    return buildChatServer(env, { screen: this.screen });
  }

  /** A listing of `seller`, announced by product.created (and a later status, if given). */
  async listing(seller: Identity, status: ProductStatus = 'ON_SALE'): Promise<string> {
    const productId = randomUUID();
    const at = new Date().toISOString();
    await this.deliver({
      type: 'product.created',
      producer: 'transaction',
      subjectUserId: seller.userId,
      data: { productId, sellerId: seller.userId, title: '자전거', price: 50_000, category: 'SPORTS', region: null, createdAt: at },
    });
    if (status !== 'ON_SALE') {
      await this.deliver({ type: 'product.status_changed', producer: 'transaction', subjectUserId: seller.userId, data: { productId, sellerId: seller.userId, status, at } });
    }
    return productId;
  }
}

export const MESSAGE_FIELDS = 'id conversationId sender { id } text masked warnings { code level message } sentAt readAt';
