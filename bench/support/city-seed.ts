// The city of bench/subscription-city.ts, written straight into the services' own tables (what the
// bench measures is delivery, not how the rows came to be; 5,000 startConversation calls would
// make the seeding, not the bench, slow on this machine):
// - members: ids only, as in subscription-fanout's `personal` mode (a signed access token is who
//   they are; the gateway checks it), paired: member 2k sells one listing, member 2k+1 asks about it;
// - listings: one per seller in transaction's `products` and in chat's `product_copies` (the copy
//   chat keeps from product.created);
// - conversations: one per pair in chat's `conversations`, so each member takes part in exactly one;
// - alert senders: registered users (rows plus their user.registered events, through the user
//   service's outbox) whose nickname the alerts' `subject` joins, each a contact of the members it
//   alerts in monitor's `contacts` (what chat.contact_observed would have made).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { postgresSchemaFor } from '@anshim/platform';
import { DEFAULT_GRADE, DEFAULT_SCORE, gradeRank } from '../../subgraphs/transaction/src/model.ts';
import { normalizeSearchText } from '../../subgraphs/transaction/src/products/product-input.ts';
import { registerUsersThroughOutbox } from './registered-users.ts';

export interface CityPair {
  sellerId: string;
  buyerId: string;
  conversationId: string;
}

export interface City {
  /** Member ids, pairs side by side: [seller of pair 0, buyer of pair 0, seller of pair 1, …]. */
  members: string[];
  /** Each member's one conversation, by member index. */
  conversationOf: string[];
  pairs: CityPair[];
  alertSenders: string[];
}

const CHUNK = 2_000;

async function connect(databaseUrl: string, service: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor(service)}` });
  await client.connect();
  return client;
}

/** `members` (even) members in members/2 conversations, and `senders` registered alert senders. */
export async function seedCity(databaseUrl: string, members: number, senders: number): Promise<City> {
  if (members < 2 || members % 2 !== 0) throw new Error(`the city needs an even number of members (got ${members})`);
  const pairs: Array<CityPair & { productId: string }> = Array.from({ length: members / 2 }, () => ({ sellerId: randomUUID(), buyerId: randomUUID(), conversationId: randomUUID(), productId: randomUUID() }));
  const [transaction, chat] = await Promise.all([connect(databaseUrl, 'transaction'), connect(databaseUrl, 'chat')]);
  try {
    const title = '동네 자전거 팝니다';
    const description = '구독 벤치용 상품입니다.';
    for (let from = 0; from < pairs.length; from += CHUNK) {
      const chunk = pairs.slice(from, from + CHUNK);
      const products = chunk.map((p) => p.productId);
      const sellers = chunk.map((p) => p.sellerId);
      await transaction.query(
        `INSERT INTO products (id, seller_id, title, description, price, category, region, status, image_keys, search_text,
           seller_grade_rank, seller_score, created_at, updated_at)
         SELECT id, seller_id, $3, $4, 30000, 'OTHER', '서울 마포구', 'ON_SALE'::"ProductStatus", '{}', $5, $6, $7, now(), now()
         FROM unnest($1::uuid[], $2::uuid[]) AS p(id, seller_id)`,
        [products, sellers, title, description, normalizeSearchText(`${title} ${description}`), gradeRank(DEFAULT_GRADE), DEFAULT_SCORE],
      );
      await chat.query(
        `INSERT INTO product_copies (product_id, seller_id, status, status_at) SELECT id, seller_id, 'ON_SALE', now() FROM unnest($1::uuid[], $2::uuid[]) AS p(id, seller_id)`,
        [products, sellers],
      );
      await chat.query(
        `INSERT INTO conversations (id, product_id, buyer_id, seller_id) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[])`,
        [chunk.map((p) => p.conversationId), products, chunk.map((p) => p.buyerId), sellers],
      );
    }
  } finally {
    await Promise.all([transaction.end(), chat.end()]);
  }
  const alertSenders = await registerUsersThroughOutbox(databaseUrl, senders, { emailPrefix: 'city-sender' });
  const memberIds = pairs.flatMap((p) => [p.sellerId, p.buyerId]);
  // The monitor warns a member about someone only if the two have dealt with each other (its
  // contacts, fed by chat.contact_observed and trades): sender i mod `senders` has chatted with member i.
  const monitor = await connect(databaseUrl, 'monitor');
  try {
    for (let from = 0; from < memberIds.length; from += CHUNK) {
      const chunk = memberIds.slice(from, from + CHUNK);
      await monitor.query(
        `INSERT INTO contacts (user_id, counterpart_id, last_at) SELECT a, b, now() FROM unnest($1::uuid[], $2::uuid[]) AS c(a, b)`,
        [chunk.map((_, k) => alertSenders[(from + k) % senders]!), chunk],
      );
    }
  } finally {
    await monitor.end();
  }
  return {
    members: memberIds,
    conversationOf: pairs.flatMap((p) => [p.conversationId, p.conversationId]),
    pairs: pairs.map(({ sellerId, buyerId, conversationId }) => ({ sellerId, buyerId, conversationId })),
    alertSenders,
  };
}
