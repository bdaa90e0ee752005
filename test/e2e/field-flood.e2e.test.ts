// A flood of the newest fields with arguments — Report.conversations (chat, ADMIN only, each read
// audited), riskAlerts(subjectOnly) (monitor), User.transactions(after) (transaction) and
// User.statusHistory (user) — through the real gateway and subgraphs, as a member, as anonymous
// callers from many addresses, and as an ADMIN. Production's limits are per minute: 300 operations
// per user, 600 per address, and chat's 120 audited conversation reads per ADMIN per hour; a
// flood of ~1,000 calls a minute is about 3x the per-user limit. This stack lowers them
// (RATE_LIMIT_PER_USER 20, RATE_LIMIT_PER_IP 30 and CHAT_ADMIN_READ_LIMIT 3 per 60 s) and floods
// at the same ratio or more (60 calls against 20, 45 against 30, 8 reads against 3), back to back,
// so the test runs in seconds. Checked: members and anonymous callers get refusals only (FORBIDDEN,
// UNAUTHENTICATED, null or the empty list), never data, and chat writes no audit row for them; the
// limits engage with RATE_LIMITED, a localized message and retryAfter; the audit log holds exactly
// one row per successful ADMIN read; a spoofed X-Forwarded-For behind the trusted proxy (and fresh
// IPv6 addresses of one /64) stay in one address bucket; nothing answers 5xx.
// Every request names its client address in X-Forwarded-For, believed because TRUSTED_PROXIES=loopback.
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootstrapAdmin, type GraphQLErrors } from '../support/gateway-client.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const ADMIN = bootstrapAdmin();
const PER_USER = 20;
const PER_IP = 30;
const ADMIN_READS = 3;
const LIMITS = {
  RATE_LIMITS: 'true',
  TRUSTED_PROXIES: 'loopback',
  RATE_LIMIT_PER_IP: String(PER_IP),
  RATE_LIMIT_PER_USER: String(PER_USER),
  RATE_LIMIT_WINDOW_SECONDS: '60',
  CHAT_ADMIN_READ_LIMIT: String(ADMIN_READS),
  CHAT_ADMIN_READ_WINDOW_SECONDS: '60',
};

type Answer = { status: number; retryAfter: string | null; data?: Record<string, any>; errors: GraphQLErrors };
const address = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;

let stack: Stack;
let db: pg.Client;

/** One POST from `from` (a client address); never a 5xx. */
async function post(query: string, variables: Record<string, unknown>, options: { token?: string; from?: string; en?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.from ?? address() };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.en) headers['accept-language'] = 'en';
  const res = await graphql(stack.gatewayUrl, query, variables, headers);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), data: res.body.data, errors: res.body.errors };
}

async function ok(query: string, variables: Record<string, unknown>, token?: string): Promise<Record<string, any>> {
  const answer = await post(query, variables, { token });
  if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors));
  return answer.data!;
}

const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params)).rows[0].n);
const adminReadRows = () => count(`SELECT count(*) AS n FROM svc_chat.admin_reads WHERE conversation_id = $1`, [setup.conversationId]);
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

interface Setup {
  adminToken: string;
  adminId: string;
  target: { id: string; token: string };
  reporter: { id: string; token: string };
  conversationId: string;
  tradeId: string;
  reportId: string;
}
let setup: Setup;

async function register(nickname: string): Promise<{ id: string; token: string }> {
  const email = `${nickname}.${randomBytes(4).toString('hex')}@example.com`;
  const data = await ok(`mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, { input: { email, password: 'correct horse battery', nickname } });
  return { id: data.register.user.id, token: data.register.accessToken };
}

/** Waits on the database, not by calling the gateway: every call would spend the budgets under test. */
const known = (what: string, sql: string, params: unknown[]) => waitFor(what, async () => (await count(sql, params)) > 0, { timeoutMs: 60_000, intervalMs: 200 });

beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'report', 'chat', 'monitor'], env: { ...ADMIN.env, ...LIMITS }, startTimeoutMs: 180_000 });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  const adminToken = (await ok(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: ADMIN.email, p: ADMIN.password })).login.accessToken as string;
  const target = await register('floodtarget');
  const reporter = await register('floodreporter');
  const productId = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '게임기', description: '상태 좋아요', price: 120_000, category: 'DIGITAL' } }, target.token)).createProduct.id as string;
  await known('chat to know the listing', `SELECT count(*) AS n FROM svc_chat.product_copies WHERE product_id = $1`, [productId]);
  const conversationId = (await ok(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: productId }, reporter.token)).startConversation.id as string;
  await ok(`mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`, { id: conversationId, text: '게임기 아직 있나요?' }, reporter.token);
  // The transaction service asks the user service first, which a loaded machine may keep waiting (retryable).
  const tradeId = await waitFor('the trade to start', async () => {
    const answer = await post(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: productId }, { token: reporter.token });
    if (codeOf(answer) === 'TEMPORARILY_UNAVAILABLE') return false;
    if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors));
    return answer.data!.startTransaction.id as string;
  }, { timeoutMs: 60_000, intervalMs: 1_000 });
  await known('report to know both members', `SELECT count(*) AS n FROM svc_report.known_users WHERE id = ANY($1::uuid[]) HAVING count(*) = 2`, [[target.id, reporter.id]]);
  await known('report to know the trade', `SELECT count(*) AS n FROM svc_report.known_trades WHERE id = $1`, [tradeId]);
  const reportId = (await ok(`mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`, { input: {
    targetUserId: target.id, type: 'FRAUD', productId, transactionId: tradeId, description: '선입금을 요구하고 연락이 끊겼어요. 물건은 받지 못했습니다.',
  } }, reporter.token)).fileReport.id as string;
  await known('chat to link the report', `SELECT count(*) AS n FROM svc_chat.admin_read_links WHERE source = $1`, [`report:${reportId}`]);
  const adminId = (await ok(`{ me { id } }`, {}, adminToken)).me.id as string;
  setup = { adminToken, adminId, target, reporter, conversationId, tradeId, reportId };
}, 300_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

/**
 * What a caller who may not read a field gets: no error but FORBIDDEN or UNAUTHENTICATED, and at
 * `path` nothing (null, absent, or the empty list a stranger gets for User.transactions).
 */
function refused(answer: Answer, ...path: string[]): boolean {
  const code = codeOf(answer);
  if (answer.errors && code !== 'FORBIDDEN' && code !== 'UNAUTHENTICATED') return false;
  const value = path.reduce<any>((at, key) => at?.[key], answer.data);
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** The four fields, each with what a caller who may not read it must get instead. */
const FIELDS: Array<{ name: string; query: string; variables: () => Record<string, unknown>; refusal: (answer: Answer) => boolean }> = [
  {
    name: 'Report.conversations',
    query: `query($id: ID!) { report(id: $id) { id conversations(first: 5) { id messages(first: 5) { edges { node { text } } } } } }`,
    variables: () => ({ id: setup.reportId }),
    // The reporter sees the report but chat refuses its conversations; anyone else gets no report.
    refusal: (a) => refused(a, 'report', 'conversations') && !JSON.stringify(a.data ?? null).includes('게임기'),
  },
  {
    name: 'riskAlerts(subjectOnly)',
    query: `query($u: ID) { riskAlerts(userId: $u, first: 20, subjectOnly: true) { id rule } }`,
    variables: () => ({ u: setup.target.id }),
    refusal: (a) => codeOf(a) !== undefined && refused(a, 'riskAlerts'),
  },
  {
    name: 'User.transactions(after)',
    query: `query($id: ID!, $after: ID) { user(id: $id) { id transactions(first: 5, after: $after) { id } } }`,
    variables: () => ({ id: setup.target.id, after: setup.tradeId }),
    refusal: (a) => refused(a, 'user', 'transactions'),
  },
  {
    name: 'User.statusHistory',
    query: `query($id: ID!) { user(id: $id) { id statusHistory(first: 5) { at to } } }`,
    variables: () => ({ id: setup.target.id }),
    refusal: (a) => codeOf(a) !== undefined && refused(a, 'user', 'statusHistory'),
  },
];

/** A refusal by the gateway's rate limit: 429, Retry-After, RATE_LIMITED with retryAfter, in the caller's language. */
function expectRateLimited(answer: Answer, en = false): void {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.retryAfter);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.errors).toEqual([{ message: en ? `Too many requests. Please try again in ${retryAfter} seconds.` : `요청이 너무 많습니다. ${retryAfter}초 후에 다시 시도해 주세요.`, extensions: { code: 'RATE_LIMITED', retryAfter } }]);
  expect(answer.data).toBeUndefined();
}

/** Sends `calls` operations back to back, round robin over the fields; returns the answers in order. */
async function flood(calls: number, options: { token?: string; from?: () => string }): Promise<Array<{ field: (typeof FIELDS)[number]; answer: Answer }>> {
  const answers: Array<{ field: (typeof FIELDS)[number]; answer: Answer }> = [];
  for (let i = 0; i < calls; i += 1) {
    const field = FIELDS[i % FIELDS.length]!;
    answers.push({ field, answer: await post(field.query, field.variables(), { token: options.token, from: options.from?.(), en: i === calls - 1 }) });
  }
  return answers;
}

/** Splits a flood's answers at the first rate-limit refusal and checks everything after it is one. */
function splitAtLimit(answers: Awaited<ReturnType<typeof flood>>): { served: typeof answers; limited: typeof answers } {
  const first = answers.findIndex(({ answer }) => answer.status === 429);
  expect(first, 'the rate limit never engaged').toBeGreaterThan(0);
  const limited = answers.slice(first);
  limited.forEach(({ answer }, i) => expectRateLimited(answer, i === limited.length - 1));
  return { served: answers.slice(0, first), limited };
}

describe('a flood of the case-evidence fields', () => {
  it('a member (the reporter, who may read the report) gets refusals only, then RATE_LIMITED at the per-user limit from any address; chat audits nothing', async () => {
    const answers = await flood(3 * PER_USER, { token: setup.reporter.token, from: address });
    const { served, limited } = splitAtLimit(answers);
    // The reporter spent a few operations on the set-up within this window: at most PER_USER are served.
    expect(served.length).toBeLessThanOrEqual(PER_USER);
    expect(served.length).toBeGreaterThanOrEqual(PER_USER / 2);
    expect(limited.length).toBeGreaterThanOrEqual(2 * PER_USER);
    for (const { field, answer } of served) expect(field.refusal(answer), `${field.name}: ${JSON.stringify(answer)}`).toBe(true);
    // Report.conversations reached chat (the reporter may see the report) and chat said FORBIDDEN.
    expect(served.filter(({ field, answer }) => field.name === 'Report.conversations' && codeOf(answer) === 'FORBIDDEN').length).toBeGreaterThan(0);
    expect(await adminReadRows()).toBe(0);
  });

  it('anonymous callers from many addresses are refused by authorization; spoofed X-Forwarded-For entries and fresh IPv6 addresses of one /64 stay in one bucket', async () => {
    // 2 × PER_IP calls, each from its own address: every one refused for what it is, none rate limited.
    const spread = await flood(2 * PER_IP, { from: address });
    for (const { field, answer } of spread) {
      expect(answer.status, field.name).toBe(200);
      expect(field.refusal(answer), `${field.name}: ${JSON.stringify(answer)}`).toBe(true);
    }
    // A client behind the trusted proxy writes its own X-Forwarded-For; the proxy appends the address
    // it saw. Only that one counts: a fresh spoofed entry on every call does not open a new bucket.
    const real = `203.0.113.${randomInt(1, 255)}`;
    const spoofed = splitAtLimit(await flood(PER_IP + 15, { from: () => `${address()}, 10.${randomInt(0, 256)}.0.1, ${real}` }));
    expect(spoofed.served).toHaveLength(PER_IP);
    // Every address an IPv6 subscriber can take from its /64 is the same bucket.
    const prefix = `2001:db8:${randomInt(1, 0xffff).toString(16)}:7`;
    const ipv6 = splitAtLimit(await flood(PER_IP + 15, { from: () => `${prefix}:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::${randomInt(1, 0xffff).toString(16)}` }));
    expect(ipv6.served).toHaveLength(PER_IP);
    for (const { field, answer } of [...spoofed.served, ...ipv6.served]) expect(field.refusal(answer), field.name).toBe(true);
    expect(await adminReadRows()).toBe(0);
  });

  it('an ADMIN: each audited read counts against CHAT_ADMIN_READ_LIMIT, a refused read writes no audit row, one audit row per read served; then the per-user limit', async () => {
    const { adminToken, conversationId, reportId } = setup;
    const LINKED = FIELDS[0]!;
    const reads: Answer[] = [];
    for (let i = 0; i < ADMIN_READS + 5; i += 1) reads.push(await post(LINKED.query, { id: reportId }, { token: adminToken, en: i === ADMIN_READS + 4 }));
    for (const answer of reads.slice(0, ADMIN_READS)) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.report.conversations).toEqual([{ id: conversationId, messages: { edges: [{ node: { text: '게임기 아직 있나요?' } }] } }]);
    }
    for (const [i, answer] of reads.slice(ADMIN_READS).entries()) {
      expect(answer.errors?.[0]?.extensions, JSON.stringify(answer)).toMatchObject({ code: 'RATE_LIMITED', reason: 'ADMIN_READ_RATE', retryAfter: expect.any(Number) });
      expect(answer.errors![0]!.extensions!.retryAfter as number).toBeGreaterThanOrEqual(1);
      expect(answer.errors![0]!.message).toContain(i === 4 ? 'too many conversations' : '대화를 너무 많이 열람했어요');
      expect(JSON.stringify(answer.data ?? null)).not.toContain('게임기');
    }
    // conversation(id), the other audited read, draws on the same ration.
    const direct = await post(`query($id: ID!) { conversation(id: $id) { id } }`, { id: conversationId }, { token: adminToken });
    expect(codeOf(direct)).toBe('RATE_LIMITED');
    expect(direct.data?.conversation ?? null).toBeNull();

    // Exactly one audit row per read served, in chat and (through chat's outbox) in the console's
    // log: the same ids (the log stores each producer's audit id once).
    expect(await adminReadRows()).toBe(ADMIN_READS);
    const ids = async (sql: string) => (await db.query(sql, [conversationId])).rows.map((row: { id: string }) => row.id).sort();
    const read = await ids(`SELECT id::text FROM svc_chat.admin_reads WHERE conversation_id = $1`);
    const logged = () => ids(`SELECT id::text FROM svc_monitor.admin_audit_log WHERE action = 'chat.conversation_read' AND subject_id = $1`);
    await waitFor('the reads in the console\'s audit log', async () => (await logged()).length >= ADMIN_READS, { timeoutMs: 30_000, intervalMs: 200 });
    expect(await logged()).toEqual(read);
    expect((await db.query(`SELECT DISTINCT admin_id::text AS id FROM svc_chat.admin_reads WHERE conversation_id = $1`, [conversationId])).rows).toEqual([{ id: setup.adminId }]);
    const metrics = await (await fetch(`${stack.operationsUrls.chat}/metrics`)).text();
    expect(metrics).toMatch(/^anshim_chat_admin_reads_refused_total\{[^}]*\} 6$/m);

    // The other three fields serve an ADMIN until the gateway's per-user limit, then RATE_LIMITED.
    const answers = (await flood(3 * PER_USER, { token: adminToken, from: address })).filter(({ field }) => field !== LINKED);
    const { served } = splitAtLimit(answers);
    expect(served.length).toBeLessThan(PER_USER);
    for (const { field, answer } of served) expect(answer.errors, field.name).toBeUndefined();
    expect(served.find(({ field }) => field.name === 'User.transactions(after)')!.answer.data!.user.transactions).toEqual([]); // the only trade: nothing after it
    expect(await adminReadRows()).toBe(ADMIN_READS);
  });
});
