// `npm run seed`: the demo marketplace, made through the running system's own API (register,
// verify with the codes the development sink received, list, trade through the state machine,
// rate, report, review and sanction as the bootstrap admin, and converse in the app's chat: small
// talk, and fraudsters whose messages the chat screens, warns the buyer about and tells the monitor of). Every stage first looks at what exists (as the admin, by natural keys) and
// does only what is missing, so a second run creates nothing and an interrupted run resumes.
import { GraphQLCallError, SeedClient, SeedError, inPool, readDevCode, type SeedClientOptions } from './seed-client.ts';
import {
  EXPECTED_GRADE,
  buildPlan,
  type Grade,
  type PlannedReport,
  type PlannedTrade,
  type PlannedUser,
  type ReportStatus,
  type SeedPlan,
  type TradeStatus,
} from './seed-plan.ts';
import { collectInventory, summarize, waitForGrades, type Inventory, type MarketplaceSummary } from './seed-summary.ts';
import { adminLogin, seedZones } from './seed-zones.ts';
import { seedConversations, summarizeChats, type ChatStageContext, type ChatSummary } from './seed-chats.ts';

export const DEMO_PASSWORD = 'anshim-demo-2026';

/** devAllowance and maxWaitSeconds: how the seed gets past the system's limits (seed-client.ts). */
export interface SeedMarketplaceOptions extends SeedClientOptions {
  gatewayUrl: string;
  /** Where the user service serves GET /dev/messages: its operations port (e.g. http://127.0.0.1:9101). */
  userServiceUrl: string;
  adminEmail: string;
  adminPassword: string;
  users: number;
  products: number;
  seed?: number;
  /** Every demo member's password. */
  password?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** How long to wait for the score workers to catch up. */
  waitTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface StageCounts {
  users: number;
  verifications: number;
  profiles: number;
  products: number;
  trades: number;
  tradeSteps: number;
  ratings: number;
  reports: number;
  reviews: number;
  conversations: number;
  messages: number;
}

export interface SeedMarketplaceResult {
  /** What this run created or changed (all zero on a rerun). */
  created: StageCounts;
  zones: { created: number; updated: number; unchanged: number };
  summary: MarketplaceSummary & { chats: ChatSummary };
  examples: Array<{ role: string; email: string; nickname: string; grade: Grade | null }>;
  seconds: number;
}

interface Member {
  plan: PlannedUser;
  id: string | null;
  token: string | null;
  /** Suspended or banned: sign-in refused (their part of the seed is behind them). */
  sanctioned: boolean;
}

const ME = 'id nickname region bio protectedMode verifications { method }';
const REGISTER = `mutation SeedRegister($input: RegisterInput!) { register(input: $input) { accessToken user { ${ME} } } }`;
const LOGIN = `mutation SeedMemberLogin($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { ${ME} } } }`;
const UPDATE_PROFILE = `mutation SeedProfile($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`;
const REQUEST_CODE = `mutation SeedRequestCode($method: VerificationMethod!) { requestVerification(method: $method) { id } }`;
const CONFIRM_CODE = `mutation SeedConfirmCode($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }`;
const CREATE_PRODUCT = `mutation SeedProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const START_TRADE = `mutation SeedStartTrade($productId: ID!) { startTransaction(productId: $productId) { id status } }`;
const MOVE_TRADE = `mutation SeedMoveTrade($id: ID!, $status: TransactionStatus!) { updateTransactionStatus(id: $id, status: $status) { id status } }`;
const RATE_TRADE = `mutation SeedRate($id: ID!, $stars: Int!, $comment: String) { rateTransaction(id: $id, stars: $stars, comment: $comment) { id } }`;
const FILE_REPORT = `mutation SeedReport($input: FileReportInput!) { fileReport(input: $input) { id status } }`;
const START_REVIEW = `mutation SeedReview($id: ID!) { startReview(id: $id) { id status } }`;
const PROCESS_REPORT = `mutation SeedDecide($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { id status } }`;
const REPORTS = `query SeedReports($status: ReportStatus!) { reports(status: $status, first: 100) { id status type reporter { id } target { id email } } }`;

const REPORT_STATUSES: ReportStatus[] = ['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function seedMarketplace(options: SeedMarketplaceOptions): Promise<SeedMarketplaceResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const client = new SeedClient(options.gatewayUrl, options);
  const password = options.password ?? DEMO_PASSWORD;
  const pool = options.concurrency ?? 8;
  const plan = buildPlan({ users: options.users, products: options.products, seed: options.seed });
  const created: StageCounts = { users: 0, verifications: 0, profiles: 0, products: 0, trades: 0, tradeSteps: 0, ratings: 0, reports: 0, reviews: 0, conversations: 0, messages: 0 };
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  const admin = await adminLogin(client, options.adminEmail, options.adminPassword);
  const zones = await seedZones({
    gatewayUrl: options.gatewayUrl,
    devAllowance: options.devAllowance,
    maxWaitSeconds: options.maxWaitSeconds,
    email: options.adminEmail,
    password: options.adminPassword,
    token: admin,
    log,
  });

  // ---------------------------------------------------------------- members
  const members: Member[] = plan.users.map((u) => ({ plan: u, id: null, token: null, sanctioned: false }));
  await inPool(members, pool, async (member) => {
    const u = member.plan;
    let payload: { accessToken: string; user: { id: string; region: string | null; bio: string | null; protectedMode: boolean; verifications: Array<{ method: string }> } };
    try {
      payload = (await registerOnce(client, { email: u.email, password, nickname: u.nickname, phone: u.phone })) as typeof payload;
      created.users += 1;
    } catch (error) {
      if (!(error instanceof GraphQLCallError) || error.code !== 'CONFLICT') throw error;
      try {
        payload = (await client.call<{ login: typeof payload }>('login', LOGIN, { email: u.email, password })).login;
      } catch (loginError) {
        if (loginError instanceof GraphQLCallError && loginError.code === 'FORBIDDEN') {
          member.sanctioned = true;
          return;
        }
        if (loginError instanceof GraphQLCallError && loginError.code === 'UNAUTHENTICATED') {
          throw new SeedError(`${u.email} (or the phone ${u.phone}) already belongs to an account that the demo password does not open; use a fresh database or another SEED_PASSWORD`);
        }
        throw loginError;
      }
    }
    member.id = payload.user.id;
    member.token = payload.accessToken;
    const me = payload.user;
    if (me.region !== u.region || me.bio !== u.bio || me.protectedMode !== u.protectedMode) {
      const input: Record<string, unknown> = { region: u.region, bio: u.bio, protectedMode: u.protectedMode };
      if (u.protectedMode) input.minCounterpartGrade = 'SAFE';
      await client.call('updateProfile', UPDATE_PROFILE, { input }, member.token);
      created.profiles += 1;
    }
    const verified = new Set(me.verifications.map((v) => v.method));
    for (const method of u.verify) {
      if (verified.has(method)) continue;
      const challenge = await client.call<{ requestVerification: { id: string } }>(`requestVerification(${method}) for ${u.email}`, REQUEST_CODE, { method }, member.token);
      const code = await readDevCode(options.userServiceUrl, method === 'EMAIL' ? u.email : u.phone!);
      await client.call('confirmVerification', CONFIRM_CODE, { id: challenge.requestVerification.id, code }, member.token);
      created.verifications += 1;
    }
  });
  const unresolved = members.filter((m) => m.id === null);
  if (unresolved.length) {
    // Sanctioned members cannot sign in; the reports that sanctioned them name them (admin view).
    const byEmail = new Map<string, string>();
    for (const status of REPORT_STATUSES) {
      const listed = await client.call<{ reports: Array<{ target: { id: string; email: string | null } }> }>('reports', REPORTS, { status }, admin);
      for (const r of listed.reports) if (r.target.email) byEmail.set(r.target.email.toLowerCase(), r.target.id);
    }
    for (const member of unresolved) {
      member.id = byEmail.get(member.plan.email) ?? null;
      if (!member.id) throw new SeedError(`${member.plan.email} cannot sign in and no report explains why; reset the demo data`);
    }
  }
  const idOf = (index: number) => members[index]!.id!;
  const tokenOf = (index: number, why: string) => {
    const member = members[index]!;
    if (!member.token) throw new SeedError(`${member.plan.email} is sanctioned but still has to ${why}: the demo data is from a different plan; reset it`);
    return member.token;
  };
  log(`members: ${created.users} registered, ${created.verifications} verifications, ${created.profiles} profiles (${members.length} in the plan) — ${elapsed()}`);

  // ---------------------------------------------------------------- products
  let inventory = await collectInventory(client, admin, members.map((m) => m.id!), pool);
  const productIds = new Map<number, string>();
  const missing: number[] = [];
  for (const product of plan.products) {
    const found = inventory.byUser.get(idOf(product.seller))?.products.find((p) => p.title === product.title);
    if (found) productIds.set(product.index, found.id);
    else missing.push(product.index);
  }
  // In plan order, one role after the other: honest prices make up the medians before bait arrives.
  const batches = [
    missing.filter((i) => !['BULK', 'FRAUD'].includes(plan.users[plan.products[i]!.seller]!.role)),
    missing.filter((i) => plan.users[plan.products[i]!.seller]!.role === 'BULK'),
    missing.filter((i) => plan.users[plan.products[i]!.seller]!.role === 'FRAUD'),
  ];
  for (const batch of batches) {
    await inPool(batch, pool, async (index) => {
      const p = plan.products[index]!;
      const input = { title: p.title, description: p.description, price: p.price, category: p.category, region: p.region };
      const made = await client.call<{ createProduct: { id: string } }>(`createProduct "${p.title}"`, CREATE_PRODUCT, { input }, tokenOf(p.seller, 'list a product'));
      productIds.set(index, made.createProduct.id);
      created.products += 1;
    });
  }
  log(`products: ${created.products} listed (${plan.products.length} in the plan) — ${elapsed()}`);

  // ---------------------------------------------------------------- trades
  if (created.products > 0 || created.users > 0) inventory = await collectInventory(client, admin, members.map((m) => m.id!), pool);
  const tradeIds = new Map<number, string>();
  await inPool(plan.trades, pool, async (trade) => {
    const productId = productIds.get(trade.product)!;
    const existing = inventory.byUser.get(idOf(trade.buyer))?.transactions.find((t) => t.productId === productId && t.buyerId === idOf(trade.buyer));
    let id = existing?.id;
    let status: TradeStatus = existing?.status ?? 'REQUESTED';
    if (!id) {
      const started = await client.call<{ startTransaction: { id: string } }>('startTransaction', START_TRADE, { productId }, tokenOf(trade.buyer, 'ask for a product'));
      id = started.startTransaction.id;
      created.trades += 1;
    }
    tradeIds.set(trade.index, id);
    const path: TradeStatus[] = ['REQUESTED', ...trade.steps.map((s) => s.status)];
    const at = path.indexOf(status);
    if (at < 0) throw new SeedError(`trade ${id} is ${status}, off its planned path ${path.join(' → ')}; reset the demo data`);
    for (const step of trade.steps.slice(at)) {
      const actor = step.by === 'BUYER' ? trade.buyer : trade.seller;
      await client.call(`updateTransactionStatus(${step.status})`, MOVE_TRADE, { id, status: step.status }, tokenOf(actor, `move a trade to ${step.status}`));
      status = step.status;
      created.tradeSteps += 1;
    }
    await rate(client, trade, id, tokenOf, created);
  });
  log(`trades: ${created.trades} started, ${created.tradeSteps} status changes, ${created.ratings} ratings (${plan.trades.length} in the plan) — ${elapsed()}`);

  // ---------------------------------------------------------------- conversations: small talk, fraudsters (phase 1)
  const context = { client, admin, plan, idOf, tokenOf, productIds, tradeIds, created };
  const chatContext: ChatStageContext = { client, idOf, tokenOf, productIds, created, log };
  await seedConversations(chatContext, plan.conversations.filter((c) => c.phase === 1), pool);

  // ---------------------------------------------------------------- reports and decisions
  await fileAndDecide(context, pool);
  log(`reports: ${created.reports} filed, ${created.reviews} review steps (${plan.reports.length} in the plan) — ${elapsed()}`);

  // ---------------------------------------------------------------- the ring reuses an exposed account (phase 2)
  await seedConversations(chatContext, plan.conversations.filter((c) => c.phase === 2), pool);
  log(`conversations: ${created.conversations} opened, ${created.messages} messages sent (${plan.conversations.length} in the plan) — ${elapsed()}`);

  // ---------------------------------------------------------------- wait for the workers, then count
  const expected = new Map(members.map((m) => [m.id!, EXPECTED_GRADE[m.plan.role]]));
  const grades = await waitForGrades(client, admin, expected, { timeoutMs: options.waitTimeoutMs ?? 90_000, log });
  inventory = await collectInventory(client, admin, members.map((m) => m.id!), pool);
  const summary = { ...(await summarize(client, admin, inventory, grades, expected, new Set(members.map((m) => m.id!)))), chats: await summarizeChats(chatContext, plan.conversations, pool) };
  log(`workers caught up — ${elapsed()}`);

  const pickExample = (role: string, test: (m: Member) => boolean) => {
    const m = members.find(test);
    return m ? [{ role, email: m.plan.email, nickname: m.plan.nickname, grade: grades.get(m.id!) ?? null }] : [];
  };
  const victimIndex = plan.conversations.find((c) => c.findings.length > 0)?.buyer;
  const examples = [
    ...pickExample('매우 안전한 판매자 / very safe seller', (m) => m.plan.role === 'VERY_SAFE'),
    ...pickExample('사기 채팅을 받은 회원 (경고 알림) / member a fraudster wrote to (alerts)', (m) => m.plan.index === victimIndex),
    ...pickExample('사기 의심 회원 (위험) / suspected fraudster (danger)', (m) => m.plan.role === 'FRAUD' && m.token !== null && plan.conversations.some((c) => c.seller === m.plan.index && c.phase === 2)),
  ];
  return { created, zones, summary, examples, seconds: (Date.now() - started) / 1000 };
}

/**
 * register, tried again once when the gateway gave up waiting (a slow machine): the first attempt
 * may have gone through, and then the second answers CONFLICT and the caller signs in instead.
 */
async function registerOnce(client: SeedClient, input: Record<string, unknown>): Promise<unknown> {
  try {
    return (await client.call<{ register: unknown }>('register', REGISTER, { input })).register;
  } catch (error) {
    if (!(error instanceof GraphQLCallError) || error.code !== 'INTERNAL_SERVER_ERROR') throw error;
    await sleep(1_000);
    return (await client.call<{ register: unknown }>('register', REGISTER, { input })).register;
  }
}

async function rate(
  client: SeedClient,
  trade: PlannedTrade,
  id: string,
  tokenOf: (index: number, why: string) => string,
  created: StageCounts,
): Promise<void> {
  if (trade.final !== 'COMPLETED') return;
  for (const rating of trade.ratings) {
    const rater = rating.by === 'BUYER' ? trade.buyer : trade.seller;
    try {
      await client.call('rateTransaction', RATE_TRADE, { id, stars: rating.stars, comment: rating.comment }, tokenOf(rater, 'rate a trade'));
      created.ratings += 1;
    } catch (error) {
      // Each party rates once: CONFLICT means this rating is already there.
      if (!(error instanceof GraphQLCallError) || error.code !== 'CONFLICT') throw error;
    }
  }
}

interface StageContext {
  client: SeedClient;
  admin: string;
  plan: SeedPlan;
  idOf: (index: number) => string;
  tokenOf: (index: number, why: string) => string;
  productIds: Map<number, string>;
  tradeIds: Map<number, string>;
  created: StageCounts;
}

/** Files the planned reports that are missing, then walks each through review to its planned outcome. */
async function fileAndDecide(ctx: StageContext, pool: number): Promise<void> {
  const { client, admin, plan, idOf, created } = ctx;
  const existing = new Map<string, { id: string; status: ReportStatus }>();
  for (const status of REPORT_STATUSES) {
    const listed = await client.call<{ reports: Array<{ id: string; status: ReportStatus; type: string; reporter: { id: string }; target: { id: string } }> }>('reports', REPORTS, { status }, admin);
    for (const r of listed.reports) existing.set(`${r.reporter.id}|${r.target.id}|${r.type}`, { id: r.id, status: r.status });
  }
  const keyOf = (r: PlannedReport) => `${idOf(r.reporter)}|${idOf(r.target)}|${r.type}`;
  await inPool(plan.reports, pool, async (r) => {
    if (existing.has(keyOf(r))) return;
    const input = {
      targetUserId: idOf(r.target),
      type: r.type,
      description: r.description,
      productId: r.product === null ? null : ctx.productIds.get(r.product),
      transactionId: r.trade === null ? null : ctx.tradeIds.get(r.trade),
      paymentIdentifiers: r.paymentAccount ? [{ type: 'BANK_ACCOUNT', value: `국민은행 ${r.paymentAccount}` }] : null,
    };
    // The report service learns of members, products and trades from events: NOT_FOUND for a moment.
    const filed = await client.eventually<{ fileReport: { id: string; status: ReportStatus } }>('fileReport', FILE_REPORT, { input }, ctx.tokenOf(r.reporter, 'file a report'));
    existing.set(keyOf(r), { id: filed.fileReport.id, status: filed.fileReport.status });
    created.reports += 1;
  });
  await inPool(plan.reports, pool, async (r) => {
    const current = existing.get(keyOf(r))!;
    if (r.outcome === 'RECEIVED' || current.status === r.outcome) return;
    if (current.status === 'RECEIVED') {
      await client.call('startReview', START_REVIEW, { id: current.id }, admin);
      created.reviews += 1;
      current.status = 'IN_REVIEW';
    }
    if (r.outcome === 'IN_REVIEW') return;
    if (current.status !== 'IN_REVIEW') throw new SeedError(`report ${current.id} is ${current.status}, not on its way to ${r.outcome}; reset the demo data`);
    const input = {
      decision: r.outcome === 'ACTION_TAKEN' ? 'ACCEPT' : 'DISMISS',
      resolution: r.resolution,
      sanction: r.sanction,
      sanctionDays: r.sanctionDays,
    };
    await client.call('processReport', PROCESS_REPORT, { id: current.id, input }, admin);
    created.reviews += 1;
  });
}

export type { Inventory };
