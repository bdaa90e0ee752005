// The chat subgraph under test (test/support/subgraph-harness.ts starts it, signs identity, stands
// in for the services that send it events, opens graphql-ws subscriptions the way the gateway does,
// and cleans up), plus listings made known the way transaction announces them.
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { buildChatServer, type ChatServer } from '../../src/server.ts';
import { createDatabase, type ChatPrisma } from '../../src/database.ts';
import type { MessageScreen, ProductStatus } from '../../src/model.ts';

export { admin, hex, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

export class ChatHarness extends SubgraphHarness<ChatServer, ChatPrisma> {
  constructor(
    extraEnv: Env = {},
    private readonly screen?: MessageScreen,
  ) {
    super('chat', extraEnv, { database: createDatabase });
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
