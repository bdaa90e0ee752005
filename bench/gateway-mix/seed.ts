// The marketplace gateway-mix reads: members, listings and trades, made fast but consistent.
// - Members: rows in the user service's own tables with their `user.registered` (and for some,
//   EMAIL and ID_CARD `user.verified`) events in its outbox (bench/support/registered-users.ts);
//   the safety worker scores them and every copy (transaction's seller grades, monitor's and
//   chat's members) follows by the real events.
// - Listings: bulk INSERTs into the transaction service's `products`, and in the same pass the
//   copies the other services would have made from `product.created`: safety's and chat's
//   `product_copies`, monitor's `known_products` (20,000 events through three consumers would
//   make the seeding, not the bench, slow). Each row carries its seller's grade and score from
//   transaction's own `safety_copies`, as createProduct does.
// - Trades: rows in the transaction service's tables with their `transaction.requested/accepted/
//   completed|cancelled|disputed` events in its outbox, one per step, as the state machine writes
//   them: safety rescores the parties, monitor and the seller-grade copies follow by events. A
//   completed trade's listing is inserted SOLD (no reader ever saw it on sale).
// Then it waits until every outbox is published and the consumers have stopped moving.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { postgresSchemaFor, recordEvent } from '@anshim/platform';
import { CATALOGUE, REGIONS, TITLE_TAILS } from '../../scripts/lib/seed-catalogue.ts';
import { SeededRandom } from '../../scripts/lib/seed-random.ts';
import { normalizeSearchText } from '../../subgraphs/transaction/src/products/product-input.ts';
import { DEFAULT_GRADE, DEFAULT_SCORE, gradeRank } from '../../subgraphs/transaction/src/model.ts';
import { PgExecutor, registerUsersThroughOutbox, verifyUsersThroughOutbox } from '../support/registered-users.ts';

export interface MixSizes {
  members: number;
  listings: number;
  trades: number;
  seed: number;
}

export interface SeededListing {
  id: string;
  sellerId: string;
  price: number;
  createdAt: Date;
  status: 'ON_SALE' | 'SOLD';
}

export interface SeededMarket {
  members: string[];
  listings: SeededListing[];
  trades: number;
}

const DAY_MS = 86_400_000;
const SCHEMAS = ['user', 'transaction', 'safety', 'monitor', 'chat'] as const;

async function connect(databaseUrl: string, service: (typeof SCHEMAS)[number]): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor(service)}` });
  await client.connect();
  return client;
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Waits until `probe` is true, saying what it waits for every 10 s. */
async function waitFor(what: string, probe: () => Promise<string | true>, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastSaid = Date.now();
  for (;;) {
    const state = await probe();
    if (state === true) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${state}`);
    if (Date.now() - lastSaid > 10_000) {
      log(`  waiting for ${what}: ${state}`);
      lastSaid = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Every outbox published and no consumer has recorded anything new for `quietMs`. */
export async function waitForEventsToSettle(databaseUrl: string, log: (line: string) => void, quietMs = 6_000): Promise<void> {
  const clients = await Promise.all(SCHEMAS.map((service) => connect(databaseUrl, service)));
  try {
    let last = '';
    let quietSince = Date.now();
    await waitFor(
      'the events to settle',
      async () => {
        const counts = await Promise.all(
          clients.map(async (c) => {
            const { rows } = await c.query<{ pending: string; processed: string }>(
              'SELECT (SELECT count(*) FROM outbox_events WHERE published_at IS NULL) AS pending, (SELECT count(*) FROM processed_events) AS processed',
            );
            return rows[0]!;
          }),
        );
        const pending = counts.reduce((sum, c) => sum + Number(c.pending), 0);
        const state = counts.map((c) => c.processed).join('/');
        if (state !== last || pending > 0) {
          last = state;
          quietSince = Date.now();
        }
        return pending === 0 && Date.now() - quietSince >= quietMs ? true : `${pending} unpublished, processed ${state} (${SCHEMAS.join('/')})`;
      },
      15 * 60_000,
      log,
    );
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/**
 * Members registered 60 days ago, a third of them with a verified email and some with an ID card
 * too (so grades differ), scored by the safety worker, known to transaction's copies.
 */
async function seedMembers(databaseUrl: string, count: number, seed: number, log: (line: string) => void): Promise<string[]> {
  const members = await registerUsersThroughOutbox(databaseUrl, count, { emailPrefix: 'mix', registeredAt: new Date(Date.now() - 60 * DAY_MS) });
  const random = new SeededRandom(seed ^ 0x7e41);
  const verifications = members.flatMap((userId) => {
    if (!random.chance(0.35)) return [];
    return random.chance(0.45) ? [{ userId, method: 'EMAIL' as const }, { userId, method: 'ID_CARD' as const }] : [{ userId, method: 'EMAIL' as const }];
  });
  await verifyUsersThroughOutbox(databaseUrl, verifications, new Date(Date.now() - 50 * DAY_MS));
  const transaction = await connect(databaseUrl, 'transaction');
  try {
    await waitFor(
      'seller grades in transaction.safety_copies',
      async () => {
        const { rows } = await transaction.query<{ n: string }>('SELECT count(*) AS n FROM safety_copies');
        return Number(rows[0]!.n) >= count ? true : `${rows[0]!.n} of ${count}`;
      },
      10 * 60_000,
      log,
    );
  } finally {
    await transaction.end();
  }
  return members;
}

interface PlannedTrade {
  id: string;
  listing: SeededListing;
  buyerId: string;
  outcome: 'COMPLETED' | 'CANCELLED' | 'DISPUTED';
  requestedAt: Date;
}

/**
 * Listings over the last 30 days from half of the members (a few sell a lot, most a little);
 * trades on distinct listings, mostly completed, except with one seller in twenty, whose trades
 * end in disputes and cancellations (the marketplace's CAUTION grades).
 */
function plan(members: string[], sizes: MixSizes, buyersFirst: readonly string[]) {
  const random = new SeededRandom(sizes.seed);
  const sellers = members.slice(0, Math.max(1, Math.ceil(members.length / 2)));
  const categories = Object.keys(CATALOGUE);
  const now = Date.now();
  const rows = Array.from({ length: sizes.listings }, (_, i) => {
    const category = random.pick(categories);
    const item = random.pick(CATALOGUE[category]!);
    const title = `${item.title}${random.pick(TITLE_TAILS)}`;
    const price = Math.max(1_000, Math.round((item.price * (0.9 + random.next() * 0.2)) / 100) * 100);
    // Evenly spread, newest last: two listings never share a timestamp (keyset cursors stay exact).
    const createdAt = new Date(now - 30 * DAY_MS + Math.floor(((i + 1) / (sizes.listings + 1)) * 29 * DAY_MS));
    return { id: randomUUID(), sellerId: sellers[Math.floor(random.next() ** 2 * sellers.length)]!, category, title, description: item.description, price, region: random.pick(REGIONS), createdAt };
  });
  const unsold = random.shuffle(rows.map((_, i) => i));
  const trades: PlannedTrade[] = [];
  for (let t = 0; t < Math.min(sizes.trades, rows.length); t++) {
    const row = rows[unsold[t]!]!;
    // Half of the trades are W2's members' (their `me { transactions }` is not empty).
    let buyerId = t % 2 === 0 && buyersFirst.length ? buyersFirst[(t / 2) % buyersFirst.length]! : random.pick(members);
    if (buyerId === row.sellerId) buyerId = members[(members.indexOf(buyerId) + 1) % members.length]!;
    const roll = random.next();
    const troubled = sellers.indexOf(row.sellerId) % 20 === 7;
    const outcome = roll < (troubled ? 0.2 : 0.85) ? 'COMPLETED' : roll < (troubled ? 0.55 : 0.95) ? 'CANCELLED' : 'DISPUTED';
    const requestedAt = new Date(Math.min(now - 60_000, row.createdAt.getTime() + random.int(1, 48) * 3_600_000));
    trades.push({ id: randomUUID(), listing: { ...row, status: 'ON_SALE' }, buyerId, outcome, requestedAt });
  }
  const soldIds = new Set(trades.filter((t) => t.outcome === 'COMPLETED').map((t) => t.listing.id));
  return { rows: rows.map((row) => ({ ...row, status: soldIds.has(row.id) ? ('SOLD' as const) : ('ON_SALE' as const) })), trades };
}

async function insertListings(databaseUrl: string, rows: ReturnType<typeof plan>['rows']): Promise<void> {
  const [transaction, safety, monitor, chat] = await Promise.all([connect(databaseUrl, 'transaction'), connect(databaseUrl, 'safety'), connect(databaseUrl, 'monitor'), connect(databaseUrl, 'chat')]);
  try {
    const { rows: grades } = await transaction.query<{ user_id: string; grade: string; score: number }>('SELECT user_id, grade, score FROM safety_copies');
    const gradeOf = new Map(grades.map((g) => [g.user_id, g]));
    for (let from = 0; from < rows.length; from += 2_000) {
      const chunk = rows.slice(from, from + 2_000);
      const col = <T>(pick: (row: (typeof rows)[number]) => T) => chunk.map(pick);
      const ids = col((r) => r.id);
      const sellers = col((r) => r.sellerId);
      const prices = col((r) => r.price);
      const categories = col((r) => r.category);
      const created = col((r) => r.createdAt.toISOString());
      const statuses = col((r) => r.status);
      await transaction.query(
        `INSERT INTO products (id, seller_id, title, description, price, category, region, status, image_keys, search_text,
           seller_grade_rank, seller_score, created_at, updated_at)
         SELECT id, seller_id, title, description, price, category, region, status::"ProductStatus", '{}', search_text, rank, score, created_at, created_at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::smallint[], $11::float8[], $12::timestamp[])
           AS p(id, seller_id, title, description, price, category, region, status, search_text, rank, score, created_at)`,
        [
          ids, sellers, col((r) => r.title), col((r) => r.description), prices, categories, col((r) => r.region), statuses,
          col((r) => normalizeSearchText(`${r.title} ${r.description}`)),
          col((r) => gradeRank((gradeOf.get(r.sellerId)?.grade ?? DEFAULT_GRADE) as typeof DEFAULT_GRADE)),
          col((r) => gradeOf.get(r.sellerId)?.score ?? DEFAULT_SCORE),
          created,
        ],
      );
      await safety.query(
        `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
         SELECT id, seller_id, category, price, price, created_at, created_at FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::timestamp[]) AS p(id, seller_id, category, price, created_at)`,
        [ids, sellers, categories, prices, created],
      );
      await monitor.query(
        `INSERT INTO known_products (id, seller_id, category, price, price_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::timestamp[])`,
        [ids, sellers, categories, prices, created],
      );
      await chat.query(
        `INSERT INTO product_copies (product_id, seller_id, status, status_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamp[])`,
        [ids, sellers, statuses, created],
      );
    }
  } finally {
    await Promise.all([transaction, safety, monitor, chat].map((c) => c.end()));
  }
}

/** Each trade's rows and events, in the order the state machine would have written them. */
async function insertTrades(databaseUrl: string, trades: PlannedTrade[]): Promise<void> {
  const client = await connect(databaseUrl, 'transaction');
  const tx = new PgExecutor(client);
  try {
    for (let from = 0; from < trades.length; from += 250) {
      await inTransaction(client, async () => {
        for (const trade of trades.slice(from, from + 250)) {
          const { listing, buyerId } = trade;
          const sellerId = listing.sellerId;
          const acceptedAt = new Date(trade.requestedAt.getTime() + 600_000);
          const endedAt = new Date(trade.requestedAt.getTime() + 1_800_000);
          const endedBy = trade.outcome === 'COMPLETED' ? buyerId : trade.outcome === 'CANCELLED' ? sellerId : buyerId;
          await client.query(
            `INSERT INTO transactions (id, product_id, buyer_id, seller_id, status, price, completed_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5::"TransactionStatus", $6, $7, $8, $9)`,
            [trade.id, listing.id, buyerId, sellerId, trade.outcome, listing.price, trade.outcome === 'COMPLETED' ? endedAt : null, trade.requestedAt, endedAt],
          );
          const steps: Array<[string | null, string, string, Date]> = [
            [null, 'REQUESTED', buyerId, trade.requestedAt],
            ['REQUESTED', 'ACCEPTED', sellerId, acceptedAt],
            ['ACCEPTED', trade.outcome, endedBy, endedAt],
          ];
          for (const [fromStatus, toStatus, by, at] of steps) {
            await client.query(
              `INSERT INTO transaction_status_changes (id, transaction_id, from_status, to_status, by_id, at)
               VALUES ($1, $2, $3::"TransactionStatus", $4::"TransactionStatus", $5, $6)`,
              [randomUUID(), trade.id, fromStatus, toStatus, by, at],
            );
            const data = { transactionId: trade.id, productId: listing.id, buyerId, sellerId, amount: listing.price, by, at: at.toISOString() };
            const common = { producer: 'transaction' as const, subjectUserId: by, occurredAt: at };
            if (toStatus === 'REQUESTED') await recordEvent(tx, { ...common, type: 'transaction.requested', data });
            else if (toStatus === 'ACCEPTED') await recordEvent(tx, { ...common, type: 'transaction.accepted', data });
            else if (toStatus === 'COMPLETED') await recordEvent(tx, { ...common, type: 'transaction.completed', data });
            else if (toStatus === 'CANCELLED') await recordEvent(tx, { ...common, type: 'transaction.cancelled', data: { ...data, fromStatus: 'ACCEPTED' } });
            else await recordEvent(tx, { ...common, type: 'transaction.disputed', data: { ...data, fromStatus: 'ACCEPTED' } });
          }
        }
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Seeds the marketplace; `buyersFirst` (W2's members) get half of the trades. Returns the listings
 * as they are now (status and the seller's score after the trades were scored).
 */
export async function seedMarket(databaseUrl: string, sizes: MixSizes, pickBuyers: (members: string[]) => string[], log: (line: string) => void): Promise<SeededMarket & { buyersFirst: string[] }> {
  let started = performance.now();
  const lap = (what: string) => {
    log(`${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    started = performance.now();
  };
  const members = await seedMembers(databaseUrl, sizes.members, sizes.seed, log);
  lap(`${members.length} members registered and scored`);
  const buyersFirst = pickBuyers(members);
  const { rows, trades } = plan(members, sizes, buyersFirst);
  await insertListings(databaseUrl, rows);
  lap(`${rows.length} listings with their copies in safety, monitor and chat`);
  await insertTrades(databaseUrl, trades);
  await waitForEventsToSettle(databaseUrl, log);
  lap(`${trades.length} trades, their events consumed`);
  const listings: SeededListing[] = rows.map((r) => ({ id: r.id, sellerId: r.sellerId, price: r.price, createdAt: r.createdAt, status: r.status }));
  return { members, listings, trades: trades.length, buyersFirst };
}

/** The listings as the transaction subgraph holds them now (seller scores moved with the trades). */
export async function readListings(databaseUrl: string): Promise<Array<{ id: string; price: number; createdAt: Date; sellerScore: number }>> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor('transaction')}` });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; price: number; created_at: Date; seller_score: number }>(
      `SELECT id, price, created_at AT TIME ZONE 'UTC' AS created_at, seller_score FROM products ORDER BY created_at`,
    );
    return rows.map((r) => ({ id: r.id, price: r.price, createdAt: new Date(r.created_at), sellerScore: r.seller_score }));
  } finally {
    await client.end();
  }
}
