// The members and conversations of bench/chat-throughput.ts: sellers registered through the
// gateway with their listings, buyers with signed access tokens, one conversation per buyer; and
// the pool helper the bench shares with its seeding.
import { randomBytes, randomUUID } from 'node:crypto';
import { signAccessToken } from '@anshim/platform';
import type { ChatMember } from './chat-clients.ts';
import { gql } from './graphql-client.ts';

/** Buyers asking about one listing: 1,000 conversations need 100 listings. */
export const BUYERS_PER_LISTING = 10;
export const LISTINGS_PER_SELLER = 5;


/** Runs `work` over `items`, `limit` at a time. */
export async function inPool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  }));
}

export interface Conversation {
  id: string;
  buyer: number;
  seller: number;
}

/** A seeding call, tried again (up to 5 times) when a loaded machine made the gateway give up on a subgraph. */
async function seeding<T>(call: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const transient = (error as { code?: string }).code === 'SUBGRAPH_UNAVAILABLE' || /fetch failed|ECONNRESET|ECONNREFUSED/.test(`${(error as Error).message} ${(error as { code?: string }).code ?? ''}`);
      if (!transient || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * (attempt + 1)));
    }
  }
}

/** Sellers (registered), their listings, buyers (signed tokens) and one conversation per buyer. */
export async function seedConversations(gatewayUrl: string, jwtSecret: string, count: number): Promise<{ members: ChatMember[]; conversations: Conversation[] }> {
  const listings = Math.ceil(count / BUYERS_PER_LISTING);
  const sellerCount = Math.ceil(listings / LISTINGS_PER_SELLER);
  const tag = randomBytes(3).toString('hex');
  const sellers: Array<{ token: string }> = [];
  await inPool(Array.from({ length: sellerCount }, (_, i) => i), 4, async (i) => {
    // A fresh email per attempt: a sign-up that timed out at the gateway may still have been made.
    const { register } = await seeding((attempt) => gql<{ register: { accessToken: string } }>(gatewayUrl, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', {
      i: { email: `chat-seller-${i}-${attempt}.${tag}@bench.test`, password: 'bench password 123', nickname: `판매자${i}${tag}${attempt || ''}` },
    }));
    sellers[i] = { token: register.accessToken };
  });
  const productIds: string[] = [];
  const sellerOfProduct: number[] = [];
  await inPool(Array.from({ length: listings }, (_, i) => i), 8, async (i) => {
    const seller = i % sellerCount;
    const { createProduct } = await seeding(() => gql<{ createProduct: { id: string } }>(gatewayUrl, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
      i: { title: `채팅 벤치 상품 ${i}`, description: '채팅 성능 측정용 상품입니다.', price: 20_000 + 1_000 * (i % 30), category: 'OTHER' },
    }, sellers[seller]!.token));
    productIds[i] = createProduct.id;
    sellerOfProduct[i] = seller;
  });
  // Buyers need no account for chat: a signed access token is who they are (the gateway checks it).
  const buyers = await Promise.all(Array.from({ length: count }, async () => (await signAccessToken(jwtSecret, { userId: randomUUID(), role: 'USER' })).token));
  const conversations: Conversation[] = [];
  await inPool(buyers, 16, async (token, i) => {
    const product = i % listings;
    // Chat learns of a listing from product.created a moment after it was made: NOT_FOUND until then.
    for (let attempt = 0; ; attempt++) {
      try {
        // Starting again answers the same conversation, so a timed-out start is simply retried.
        const { startConversation } = await seeding(() => gql<{ startConversation: { id: string } }>(gatewayUrl, 'mutation($p: ID!) { startConversation(productId: $p) { id } }', { p: productIds[product] }, token));
        conversations[i] = { id: startConversation.id, buyer: sellerCount + i, seller: sellerOfProduct[product]! };
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'NOT_FOUND' || attempt > 240) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });
  const members: ChatMember[] = [
    ...sellers.map((s, i) => ({ token: s.token, conversationIds: conversations.filter((c) => c.seller === i).map((c) => c.id) })),
    ...buyers.map((token, i) => ({ token, conversationIds: [conversations[i]!.id] })),
  ];
  return { members, conversations };
}

