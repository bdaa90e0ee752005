// The moderator console's ADMIN fields through the gateway, as someone who is not an ADMIN would
// try them: every one refuses a signed-in member with FORBIDDEN (and anonymous callers), whatever
// they ask for, so a refusal tells nothing (no validation answer, no email oracle in searchUsers);
// sizes beyond the caps (`first`, `days`) get BAD_USER_INPUT naming the argument (or, for a list
// size in the millions, the gateway's QUERY_TOO_COMPLEX), never a huge answer; a member flooding them gets nothing but refusals. Then User.statusHistory: every change of
// an account's status — an ADMIN's setUserStatus and a report's ban alike — with who, when,
// from → to and the reason, as the console's member view reads it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, waitFor, type GraphQLErrors, type RegisteredPerson } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
let adminToken: string;
let adminId: string;
let member: RegisteredPerson;
let other: RegisteredPerson;
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'safety', 'report', 'monitor'], env: ADMIN.env });
  adminToken = await login(ADMIN.email, ADMIN.password);
  adminId = (await ok<{ me: { id: string } }>(`{ me { id } }`, {}, adminToken)).me.id;
  member = await register('member');
  other = await register('other');
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

interface AdminField {
  name: string;
  query: string;
  /** Variables of a well-formed request. */
  variables?: () => Record<string, unknown>;
  /** The argument with a cap, and a value far beyond it. */
  cap?: { argument: 'first' | 'days'; beyond: number[] };
}

const FIELDS: AdminField[] = [
  { name: 'searchUsers', query: `query($q: String!, $first: Int) { searchUsers(query: $q, first: $first) { id email } }`, variables: () => ({ q: other.email }), cap: { argument: 'first', beyond: [51, 1_000_000] } },
  { name: 'User.statusHistory', query: `query($id: ID!, $first: Int) { user(id: $id) { id statusHistory(first: $first) { id } } }`, variables: () => ({ id: other.id }), cap: { argument: 'first', beyond: [101, 1_000_000] } },
  { name: 'averageScoreByDay', query: `query($days: Int) { safetyDashboard { averageScoreByDay(days: $days) { day average } } }`, cap: { argument: 'days', beyond: [91, 0, -1, 100_000] } },
  { name: 'riskAlertsByRule', query: `query($days: Int) { riskAlertsByRule(days: $days) { rule total } }`, cap: { argument: 'days', beyond: [91, 0, 100_000] } },
  { name: 'reportOutcomes', query: `query($days: Int) { reportOutcomes(days: $days) { type status count } }`, cap: { argument: 'days', beyond: [91, 0, 100_000] } },
  { name: 'tradesCompletedByDay', query: `query($days: Int) { tradesCompletedByDay(days: $days) { day count } }`, cap: { argument: 'days', beyond: [91, 0, 100_000] } },
  { name: 'auditLog', query: `query($first: Int) { auditLog(first: $first) { id service action } }`, cap: { argument: 'first', beyond: [101, 0, 1_000_000] } },
  { name: 'recentRiskAlerts', query: `query($first: Int) { recentRiskAlerts(minLevel: LOW, first: $first) { id } }`, cap: { argument: 'first', beyond: [101, 0, 1_000_000] } },
  { name: 'reportCounts', query: `{ reportCounts { total byStatus { status count } } }` },
  { name: 'reports', query: `query($first: Int) { reports(first: $first) { id } }`, cap: { argument: 'first', beyond: [101, 0, 1_000_000] } },
];

/** The data of an answer with every null dropped: what a refusal may leave is `null`s only. */
const leaked = (data: unknown): unknown => JSON.parse(JSON.stringify(data ?? null, (_key, value: unknown) => (value === null ? undefined : value)) ?? 'null');

/** The argument a BAD_USER_INPUT names (services say it as extensions.field or extensions.fields[].field). */
function namedArgument(errors: GraphQLErrors): unknown {
  const extensions = errors?.[0]?.extensions ?? {};
  return extensions.field ?? (extensions.fields as Array<{ field: string }> | undefined)?.[0]?.field;
}

describe('ADMIN fields refuse everyone else', () => {
  it('a signed-in member gets FORBIDDEN from every one, and nothing but the ids they asked about', async () => {
    for (const field of FIELDS) {
      const answer = await call(field.query, field.variables?.() ?? {}, member.token);
      expect(codeOf(answer.errors), field.name).toBe('FORBIDDEN');
      // user(id) itself is public (id, nickname): only the ADMIN field is refused, and comes back null.
      const data = leaked(answer.data) as Record<string, unknown> | null;
      if (field.name === 'User.statusHistory') expect(data, field.name).toEqual({ user: { id: other.id } });
      else expect(data, field.name).toBeNull();
    }
  });

  it('anonymous callers are refused too', async () => {
    for (const field of FIELDS) {
      const answer = await call(field.query, field.variables?.() ?? {});
      expect(['UNAUTHENTICATED', 'FORBIDDEN'], field.name).toContain(codeOf(answer.errors));
    }
  });

  it('a member asking beyond a cap still gets FORBIDDEN, never the validation answer an ADMIN gets', async () => {
    for (const field of FIELDS.filter((f) => f.cap)) {
      const variables = { ...field.variables?.(), [field.cap!.argument]: field.cap!.beyond[0] };
      expect(codeOf((await call(field.query, variables, member.token)).errors), field.name).toBe('FORBIDDEN');
    }
  });

  it('searchUsers is no email oracle: a member gets the same refusal for a registered email, an unknown one and a malformed search', async () => {
    const answers = [];
    for (const q of [other.email, `nobody.${randomBytes(4).toString('hex')}@example.com`, 'x', other.email.slice(0, 6)]) {
      const { data, errors } = await call(`query($q: String!) { searchUsers(query: $q) { id email } }`, { q }, member.token);
      answers.push({ data: data ?? null, errors: errors?.map((e) => ({ message: e.message, code: e.extensions?.code })) });
    }
    expect(answers[0]!.errors).toEqual([{ message: expect.any(String), code: 'FORBIDDEN' }]);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // In English as well: the words differ by language only, never by what was searched for.
    const english = await call(`query($q: String!) { searchUsers(query: $q) { id } }`, { q: other.email }, member.token, { 'accept-language': 'en' });
    const unknown = await call(`query($q: String!) { searchUsers(query: $q) { id } }`, { q: `x${other.email}` }, member.token, { 'accept-language': 'en' });
    expect(english.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    // The ADMIN does find the member by the email.
    expect((await ok<{ searchUsers: Array<{ id: string }> }>(`query($q: String!) { searchUsers(query: $q) { id } }`, { q: other.email }, adminToken)).searchUsers.map((u) => u.id)).toEqual([other.id]);
  });

  it('a member flooding the fields gets refusals only: 40 requests at once, and one operation packed with aliases is refused whole', async () => {
    const searches = await Promise.all(Array.from({ length: 40 }, (_, i) => call(`query($q: String!) { searchUsers(query: $q) { id email } }`, { q: `${other.email.slice(0, 3)}${i}` }, member.token)));
    for (const answer of searches) {
      expect(codeOf(answer.errors)).toBe('FORBIDDEN');
      expect(answer.data ?? null).toBeNull();
    }
    const aliases = Array.from({ length: 40 }, (_, i) => `s${i}: searchUsers(query: "${other.email.slice(0, 4)}") { id }`).join(' ');
    const packed = await call(`{ ${aliases} }`, {}, member.token);
    expect(packed.data ?? null).toBeNull();
    expect(packed.errors?.[0]?.extensions?.limit).toMatch(/^(ALIASES|ROOT_FIELDS)$/);
  });

  it('sessionCount is the member’s own or an ADMIN’s to read: null for another member, without an error', async () => {
    const SESSIONS = `query($id: ID!) { user(id: $id) { id sessionCount } }`;
    const asOther = await call(SESSIONS, { id: other.id }, member.token);
    expect(asOther.errors ?? []).toEqual([]);
    expect(asOther.data).toEqual({ user: { id: other.id, sessionCount: null } });
    expect((await ok(SESSIONS, { id: member.id }, member.token)).user.sessionCount).toBeGreaterThanOrEqual(1);
    expect((await ok(SESSIONS, { id: other.id }, adminToken)).user.sessionCount).toBeGreaterThanOrEqual(1);
  });
});

describe('caps on the ADMIN fields', () => {
  it('an ADMIN asking beyond a cap gets BAD_USER_INPUT naming the argument, and within it an answer', async () => {
    for (const field of FIELDS) {
      const within = await call(field.query, field.variables?.() ?? {}, adminToken);
      expect(within.errors ?? [], field.name).toEqual([]);
      for (const value of field.cap?.beyond ?? []) {
        const what = `${field.name} ${field.cap!.argument}=${value}`;
        const answer = await call(field.query, { ...field.variables?.(), [field.cap!.argument]: value }, adminToken);
        // A list size far beyond any cap is refused by the gateway's cost limit before it reaches the
        // service (the estimate multiplies by `first`); anything else by the service, naming the argument.
        if (field.cap!.argument === 'first' && value >= 1_000_000) {
          expect(codeOf(answer.errors), what).toBe('QUERY_TOO_COMPLEX');
          expect(answer.errors?.[0]?.extensions?.limit, what).toBe('COST');
          expect(answer.data ?? null, what).toBeNull();
          continue;
        }
        expect(codeOf(answer.errors), what).toBe('BAD_USER_INPUT');
        expect(namedArgument(answer.errors), what).toBe(field.cap!.argument);
      }
    }
  });
});

describe('User.statusHistory', () => {
  const HISTORY = `query($id: ID!, $first: Int) { user(id: $id) { status statusHistory(first: $first) { at from to until reason origin reportId actor { id } } } }`;
  type Change = { at: string; from: string; to: string; until: string | null; reason: string; origin: string; reportId: string | null; actor: { id: string } | null };

  it("lists an ADMIN's setUserStatus and a report's ban, newest first, with who, when, from → to and the reason", async () => {
    const target = await register('target');
    const reporter = await register('reporter');
    const until = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    const SET = `mutation($id: ID!, $status: AccountStatus!, $until: DateTime, $reason: String!) { setUserStatus(userId: $id, status: $status, until: $until, reason: $reason) { status } }`;
    await ok(SET, { id: target.id, status: 'SUSPENDED', until, reason: '거래 사기 의심으로 일주일 정지' }, adminToken);
    await ok(SET, { id: target.id, status: 'ACTIVE', reason: '소명 자료 확인 후 해제' }, adminToken);

    // A report accepted with a ban: the user service applies it from report.sanction_applied.
    const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`;
    const input = { targetUserId: target.id, type: 'FRAUD', description: '입금했는데 물건을 보내지 않고 연락이 끊겼어요.' };
    const filed = await waitFor('the report service to know the target', async () => {
      const result = await call<{ fileReport: { id: string } }>(FILE, { input }, reporter.token);
      if (codeOf(result.errors) === 'NOT_FOUND') return false;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.fileReport;
    });
    await ok(`mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { status } }`, {
      id: filed.id,
      input: { decision: 'ACCEPT', resolution: '입금 내역과 대화로 사기 확인', sanction: 'BAN', publicReason: '거래 사기' },
    }, adminToken);
    const history = await waitFor('the ban in the history', async () => {
      const { user } = await ok<{ user: { status: string; statusHistory: Change[] } }>(HISTORY, { id: target.id }, adminToken);
      return user.status === 'BANNED' && user.statusHistory.length === 3 ? user.statusHistory : undefined;
    });

    expect(history.map((c) => [c.origin, c.from, c.to])).toEqual([
      ['REPORT_SANCTION', 'ACTIVE', 'BANNED'],
      ['ADMIN', 'SUSPENDED', 'ACTIVE'],
      ['ADMIN', 'ACTIVE', 'SUSPENDED'],
    ]);
    expect(history[0]).toMatchObject({ reportId: filed.id, actor: { id: adminId }, until: null });
    expect(history[1]).toMatchObject({ reportId: null, actor: { id: adminId }, reason: '소명 자료 확인 후 해제', until: null });
    expect(history[2]).toMatchObject({ reportId: null, actor: { id: adminId }, reason: '거래 사기 의심으로 일주일 정지', until });
    const times = history.map((c) => new Date(c.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // first narrows to the newest; the member themself may not read their own history.
    const newest = await ok<{ user: { statusHistory: Change[] } }>(HISTORY, { id: target.id, first: 1 }, adminToken);
    expect(newest.user.statusHistory.map((c) => c.origin)).toEqual(['REPORT_SANCTION']);
    const own = await call(`{ me { id statusHistory { to } } }`, {}, reporter.token);
    expect(codeOf(own.errors)).toBe('FORBIDDEN');
    expect(own.data).toEqual({ me: { id: reporter.id, statusHistory: null } });
  });
});
