// W2's signed-in members: access tokens made with the stack's JWT secret (as the user service
// signs them at login; 200 argon2 logins would only measure argon2), and their conversations,
// made through the public API so chat screens and stores every message as in production.
import { signAccessToken } from '@anshim/platform';
import { BUYER_OPENERS, SMALL_TALK } from '../../scripts/lib/seed-catalogue.ts';
import { SeededRandom } from '../../scripts/lib/seed-random.ts';
import { gql } from '../support/graphql-client.ts';
import type { SeededListing } from './seed.ts';

/** Fresh tokens (they live 15 minutes: minted again before every round). */
export async function mintTokens(jwtSecret: string, members: string[]): Promise<string[]> {
  return Promise.all(members.map(async (userId) => (await signAccessToken(jwtSecret, { userId, role: 'USER' })).token));
}

const SELLER_LINES = SMALL_TALK.flat().filter((line) => line.by === 'SELLER').map((line) => line.text);

/**
 * `count` conversations, each opened by one of `buyers` about a listing on sale by someone else,
 * with the buyer's opener and the seller's answer; `concurrency` at a time.
 */
export async function seedConversations(
  gatewayUrl: string,
  jwtSecret: string,
  options: { buyers: string[]; listings: SeededListing[]; count: number; seed: number; concurrency?: number },
): Promise<number> {
  const random = new SeededRandom(options.seed ^ 0x5eed);
  const onSale = options.listings.filter((l) => l.status === 'ON_SALE');
  const tokens = new Map<string, string>();
  const tokenOf = async (userId: string) => {
    let token = tokens.get(userId);
    if (!token) tokens.set(userId, (token = (await signAccessToken(jwtSecret, { userId, role: 'USER' })).token));
    return token;
  };
  const pairs = new Set<string>();
  const plan: Array<{ buyerId: string; listing: SeededListing; opener: string; answer: string }> = [];
  for (let i = 0; plan.length < options.count && i < options.count * 5; i++) {
    const buyerId = options.buyers[i % options.buyers.length]!;
    const listing = random.pick(onSale);
    const key = `${listing.id}:${buyerId}`;
    if (listing.sellerId === buyerId || pairs.has(key)) continue;
    pairs.add(key);
    plan.push({ buyerId, listing, opener: random.pick(BUYER_OPENERS), answer: random.pick(SELLER_LINES) });
  }
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const { buyerId, listing, opener, answer } = plan[next++]!;
      const { startConversation } = await gql<{ startConversation: { id: string } }>(
        gatewayUrl,
        'mutation($productId: ID!) { startConversation(productId: $productId) { id } }',
        { productId: listing.id },
        await tokenOf(buyerId),
      );
      const send = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';
      await gql(gatewayUrl, send, { id: startConversation.id, text: opener }, await tokenOf(buyerId));
      await gql(gatewayUrl, send, { id: startConversation.id, text: answer }, await tokenOf(listing.sellerId));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker));
  return plan.length;
}

/** W2's members: `count` of them, drawn with the bench's seed (they also get half of the trades). */
export function pickMembers(members: string[], count: number, seed: number): string[] {
  return new SeededRandom(seed ^ 0x77).shuffle(members).slice(0, Math.min(count, members.length));
}
