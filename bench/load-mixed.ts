// load-mixed: a fixed arrival rate of mixed traffic through the gateway for 60 s: 70% product reads
// with the seller's safety display, 20% trade mutations (request → accept → complete, each step
// one operation), 10% chat messages (sendMessage in a conversation opened beforehand: screened by
// the chat service, which tells the monitor; members may no longer call recordActivity). Open loop: requests start
// on schedule whether or not earlier ones have answered, and latency counts from the scheduled
// start, so a slow system shows as latency instead of quietly lowering the load.
// Real processes (user, transaction, safety, monitor, chat subgraphs, the safety worker, the gateway) on
// free ports, a fresh database and Redis prefix, seeded through the API.
//   npm run bench load-mixed [-- --duration=10 --rate=40]
// Settings: --duration=<s> / BENCH_DURATION_MS (60 s), --rate=<req/s> / BENCH_RATE (40).
// Fails (non-zero exit) if any operation failed.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createBenchStack } from './support/bench-stack.ts';
import { runWhenScript } from './support/script.ts';

type Operation = 'product-read' | 'trade-mutation' | 'chat-message';
const MIX: Array<[Operation, number]> = [
  ['product-read', 0.7],
  ['trade-mutation', 0.2],
  ['chat-message', 0.1],
];

const PRODUCT_READ = `query($id: ID!) { product(id: $id) { id title price status seller { nickname } sellerSafety { grade label badges hints message } } }`;
const START = `mutation($id: ID!) { startTransaction(productId: $id) { id status } }`;
const MOVE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { id status } }`;
const START_CHAT = `mutation($id: ID!) { startConversation(productId: $id) { id } }`;
const SEND_CHAT = `mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }`;
const CHAT = ['안녕하세요, 아직 판매 중인가요?', '내일 오후 세 시에 역 앞에서 직거래 가능할까요?', '사진 몇 장 더 볼 수 있을까요?', '네, 그때 뵙겠습니다.'];

export interface OperationResult {
  operation: Operation;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadMixedResult {
  rate: number;
  durationMs: number;
  throughput: number;
  errors: number;
  operations: OperationResult[];
  firstErrors: string[];
}

interface Person {
  id: string;
  token: string;
}

function options(): { durationMs: number; rate: number } {
  const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const seconds = flag('duration');
  const durationMs = seconds ? Number(seconds) * 1000 : Number(process.env.BENCH_DURATION_MS ?? 60_000);
  const rate = Number(flag('rate') ?? process.env.BENCH_RATE ?? 40);
  if (!(durationMs > 0) || !(rate > 0)) throw new Error('--duration and --rate must be positive numbers');
  return { durationMs, rate };
}

/** One POST over a keep-alive agent; resolves with the parsed body or an error description. */
function post(agent: Agent, url: URL, query: string, variables: Record<string, unknown>, token?: string): Promise<{ ok: boolean; data?: unknown; error?: string }> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            const parsed = JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
            if (res.statusCode === 200 && !parsed.errors && parsed.data) resolve({ ok: true, data: parsed.data });
            else resolve({ ok: false, error: `${res.statusCode} ${parsed.errors?.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}` });
          } catch {
            resolve({ ok: false, error: `${res.statusCode} non-JSON: ${text.slice(0, 200)}` });
          }
        });
      },
    );
    req.on('error', (error) => resolve({ ok: false, error: error.message }));
    req.end(body);
  });
}

async function must<T>(agent: Agent, url: URL, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const result = await post(agent, url, query, variables, token);
  if (!result.ok) throw new Error(`seeding failed: ${result.error}`);
  return result.data as T;
}

/**
 * Trades advance one step per trade operation. A trade whose last step is still in flight is not
 * picked, so each trade's steps stay in order while many trades run at once.
 */
class Trades {
  private readonly idle: Array<{ id: string; seller: Person; buyer: Person; next: 'ACCEPTED' | 'COMPLETED' }> = [];
  private productIndex = 0;
  private buyerIndex = 0;

  constructor(
    private readonly products: Array<{ id: string; seller: Person }>,
    private readonly buyers: Person[],
  ) {}

  async step(agent: Agent, url: URL): Promise<{ ok: boolean; error?: string }> {
    const trade = this.idle.shift();
    if (trade) {
      const by = trade.next === 'ACCEPTED' ? trade.seller : trade.buyer;
      const result = await post(agent, url, MOVE, { id: trade.id, s: trade.next }, by.token);
      if (result.ok && trade.next === 'ACCEPTED') this.idle.push({ ...trade, next: 'COMPLETED' });
      return result;
    }
    const product = this.products[this.productIndex++];
    if (!product) return { ok: false, error: 'ran out of seeded products (raise the seed for this rate and duration)' };
    const buyer = this.buyers[this.buyerIndex++ % this.buyers.length]!;
    const result = await post(agent, url, START, { id: product.id }, buyer.token);
    if (result.ok) this.idle.push({ id: (result.data as { startTransaction: { id: string } }).startTransaction.id, seller: product.seller, buyer, next: 'ACCEPTED' });
    return result;
  }
}

export async function run(): Promise<LoadMixedResult> {
  const { durationMs, rate } = options();
  const suffix = randomBytes(4).toString('hex');
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  // The chat rate limits (30 a minute per member by default) are not what this measures: a --rate
  // far above the default would otherwise refuse the buyers' messages.
  const stack = await createBenchStack(['user', 'transaction', 'safety', 'monitor', 'chat'], { SAFETY_NIGHTLY_ENABLED: 'false', CHAT_MEMBER_RATE_LIMIT: '10000', CHAT_CONVERSATION_RATE_LIMIT: '10000' }, { workers: ['safety'], startTimeoutMs: 300_000 });
  try {
    const url = new URL(stack.gatewayUrl);

    // Enough products that every trade operation of the run can start a fresh trade if it must.
    const tradeOps = Math.ceil((rate * durationMs) / 1000 * 0.2) + 20;
    // A few sign-ups at a time: password hashing of dozens at once outlasts the subgraph deadline on a busy machine.
    const inBatches = async (count: number, make: (i: number) => Promise<Person>) => {
      const made: Person[] = [];
      for (let i = 0; i < count; i += 4) made.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, (_, k) => make(i + k)))));
      return made;
    };
    const sellers = await inBatches(10, (i) => registerPerson(agent, url, `판매자${i}`, suffix));
    const buyers = await inBatches(20, (i) => registerPerson(agent, url, `구매자${i}`, suffix));
    const products: Array<{ id: string; seller: Person }> = [];
    for (let i = 0; i < Math.ceil(tradeOps / 2) + 40 + buyers.length; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, async (_, k) => {
        const seller = sellers[(i + k) % sellers.length]!;
        const data = await must<{ createProduct: { id: string } }>(agent, url, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
          i: { title: `부하 시험 상품 ${i + k}`, description: '부하 측정용 상품입니다. 직거래만 합니다.', price: 10_000 + 1_000 * ((i + k) % 50), category: 'OTHER' },
        }, seller.token);
        return { id: data.createProduct.id, seller };
      }));
      products.push(...batch);
    }
    // The last 40 products are the warm-up's trades; the buyers.length before them are only talked
    // about (a trade could sell them). Each buyer asks about one listing; chat learns of listings from product.created a moment
    // after the fact, so a fresh one may answer NOT_FOUND for a while.
    const conversations = new Map<string, string>();
    for (const [i, buyer] of buyers.entries()) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const result = await post(agent, url, START_CHAT, { id: products[products.length - 41 - i]!.id }, buyer.token);
        if (result.ok) {
          conversations.set(buyer.id, (result.data as { startConversation: { id: string } }).startConversation.id);
          break;
        }
        if (!result.error?.includes('NOT_FOUND') || Date.now() > deadline) throw new Error(`seeding failed: ${result.error}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    console.log(`seeded ${sellers.length} sellers, ${buyers.length} buyers, ${products.length} products, ${conversations.size} conversations; ${rate} req/s for ${durationMs / 1000} s`);

    // A short warm-up at the same mix, not counted.
    await drive({ agent, url, rate, durationMs: Math.min(3_000, durationMs), products, buyers, conversations, trades: new Trades(products.slice(-40), buyers) });
    const result = await drive({ agent, url, rate, durationMs, products, buyers, conversations, trades: new Trades(products.slice(0, -40 - buyers.length), buyers) });
    print(result);
    mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./out/load-mixed.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2));
    if (result.errors > 0) throw new Error(`${result.errors} operation(s) failed, e.g. ${result.firstErrors.join(' | ')}`);
    return result;
  } finally {
    agent.destroy();
    await stack.stop();
  }
}

async function registerPerson(agent: Agent, url: URL, nickname: string, suffix: string): Promise<Person> {
  const data = await must<{ register: { accessToken: string; user: { id: string } } }>(agent, url, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }', {
    i: { email: `${randomBytes(4).toString('hex')}.${suffix}@bench.test`, password: 'bench password 123', nickname },
  });
  return { id: data.register.user.id, token: data.register.accessToken };
}

async function drive(ctx: { agent: Agent; url: URL; rate: number; durationMs: number; products: Array<{ id: string; seller: Person }>; buyers: Person[]; conversations: Map<string, string>; trades: Trades }): Promise<LoadMixedResult> {
  const latencies: Record<Operation, number[]> = { 'product-read': [], 'trade-mutation': [], 'chat-message': [] };
  const errors: Record<Operation, number> = { 'product-read': 0, 'trade-mutation': 0, 'chat-message': 0 };
  const firstErrors: string[] = [];
  const interval = 1000 / ctx.rate;
  const total = Math.floor((ctx.durationMs / 1000) * ctx.rate);
  // A fixed, shuffled schedule of operations: exactly the mix, in no particular order.
  const schedule: Operation[] = [];
  for (const [operation, share] of MIX) for (let i = 0; i < Math.round(total * share); i++) schedule.push(operation);
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [schedule[i], schedule[j]] = [schedule[j]!, schedule[i]!];
  }
  const inFlight: Array<Promise<void>> = [];
  const started = performance.now();
  const perform = async (operation: Operation, scheduledAt: number, n: number) => {
    let outcome: { ok: boolean; error?: string };
    if (operation === 'product-read') {
      outcome = await post(ctx.agent, ctx.url, PRODUCT_READ, { id: ctx.products[n % ctx.products.length]!.id });
    } else if (operation === 'trade-mutation') {
      outcome = await ctx.trades.step(ctx.agent, ctx.url);
    } else {
      const buyer = ctx.buyers[n % ctx.buyers.length]!;
      outcome = await post(ctx.agent, ctx.url, SEND_CHAT, { c: ctx.conversations.get(buyer.id), t: CHAT[n % CHAT.length] }, buyer.token);
    }
    latencies[operation].push(performance.now() - scheduledAt);
    if (!outcome.ok) {
      errors[operation]++;
      if (firstErrors.length < 5) firstErrors.push(`${operation}: ${outcome.error}`);
    }
  };
  for (let n = 0; n < schedule.length; n++) {
    const scheduledAt = started + n * interval;
    const wait = scheduledAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(perform(schedule[n]!, scheduledAt, n));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  const operations = MIX.map(([operation]) => {
    const sorted = latencies[operation].sort((a, b) => a - b);
    const pct = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 100) / 100;
    return { operation, requests: sorted.length, errors: errors[operation], p50Ms: pct(0.5), p99Ms: pct(0.99) };
  });
  const done = operations.reduce((n, o) => n + o.requests, 0);
  return { rate: ctx.rate, durationMs: ctx.durationMs, throughput: Math.round((done / seconds) * 10) / 10, errors: operations.reduce((n, o) => n + o.errors, 0), operations, firstErrors };
}

function print(result: LoadMixedResult): void {
  console.log(`\nload-mixed: ${result.rate} req/s offered (open loop) for ${result.durationMs / 1000} s; throughput ${result.throughput} req/s; errors ${result.errors}`);
  console.log(`${'operation'.padEnd(18)}${'requests'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'errors'.padStart(8)}`);
  for (const o of result.operations) {
    console.log(`${o.operation.padEnd(18)}${String(o.requests).padStart(10)}${o.p50Ms.toFixed(2).padStart(10)}${o.p99Ms.toFixed(2).padStart(10)}${String(o.errors).padStart(8)}`);
  }
  for (const e of result.firstErrors) console.log(`  error: ${e}`);
}

runWhenScript(import.meta.url, () => run());
