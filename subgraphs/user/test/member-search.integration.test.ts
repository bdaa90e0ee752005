// searchUsers and User.sessionCount, the moderator console's member view: ADMIN only (a member
// asking is refused, so the search is no oracle of who has an account), validated input with a
// coded error, and a session count without the sessions' details.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, onlyError, registerUser, signedInToken, uniqueEmail, UserHarness } from './support/harness.ts';

const adminEmail = `admin-${hex(4)}@anshim.test`;
const adminPassword = 'admin-password-1234';
const h = new UserHarness({ BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword });

beforeAll(() => h.start());
afterAll(() => h.stop());

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }`;
const SEARCH = `query($q: String!, $first: Int) { searchUsers(query: $q, first: $first) { id nickname email status sessionCount sessions { id } } }`;

const adminToken = () => signedInToken(h, adminEmail, adminPassword);

describe('searchUsers', () => {
  it('finds members by part of a nickname or email (any case) and by id, newest first', async () => {
    const tag = hex(4);
    const older = await registerUser(h, { nickname: `찾기${tag}가`, email: uniqueEmail() });
    const newer = await registerUser(h, { nickname: `찾기${tag}나` });
    const admin = await adminToken();
    const byNickname = (await h.gql(SEARCH, { q: `찾기${tag}` }, { token: admin })).data!.searchUsers;
    expect(byNickname.map((u: { id: string }) => u.id)).toEqual([newer.id, older.id]);
    expect(byNickname[0]).toMatchObject({ nickname: `찾기${tag}나`, email: newer.email, status: 'ACTIVE' });

    const byEmail = (await h.gql(SEARCH, { q: older.email.toUpperCase() }, { token: admin })).data!.searchUsers;
    expect(byEmail.map((u: { id: string }) => u.id)).toEqual([older.id]);
    const byId = (await h.gql(SEARCH, { q: ` ${newer.id.toUpperCase()} ` }, { token: admin })).data!.searchUsers;
    expect(byId.map((u: { id: string }) => u.id)).toEqual([newer.id]);
    const limited = (await h.gql(SEARCH, { q: `찾기${tag}`, first: 1 }, { token: admin })).data!.searchUsers;
    expect(limited.map((u: { id: string }) => u.id)).toEqual([newer.id]);
    expect((await h.gql(SEARCH, { q: `없는${hex(8)}` }, { token: admin })).data!.searchUsers).toEqual([]);
  });

  it('is refused to members and to anonymous callers, whatever they search for', async () => {
    const member = await registerUser(h, { nickname: `회원${hex(4)}` });
    const asMember = await h.gql(SEARCH, { q: adminEmail }, { token: member.accessToken });
    expect(onlyError(asMember).code).toBe('FORBIDDEN');
    expect(asMember.data).toBeNull();
    // Their own email or id too: the answer never depends on whether the account exists.
    expect(onlyError(await h.gql(SEARCH, { q: member.id }, { token: member.accessToken })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(SEARCH, { q: member.email })).code).toBe('UNAUTHENTICATED');
  });

  it('validates the text and the page size with BAD_USER_INPUT, in Korean or English', async () => {
    const admin = await adminToken();
    const short = onlyError(await h.gql(SEARCH, { q: ' a ' }, { token: admin }));
    expect(short).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'query' } });
    expect(short.message).toContain('2자 이상');
    const long = onlyError(await h.gql(SEARCH, { q: 'x'.repeat(101) }, { token: admin, lang: 'en' }));
    expect(long).toMatchObject({ code: 'BAD_USER_INPUT', message: 'The search text must be 2 to 100 characters long.' });
    for (const first of [0, 51]) {
      expect(onlyError(await h.gql(SEARCH, { q: 'anshim', first }, { token: admin }))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'first' } });
    }
    // A LIKE pattern's wildcards are plain characters: "%%" matches only a literal "%%".
    expect((await h.gql(SEARCH, { q: '%%' }, { token: admin })).data!.searchUsers).toEqual([]);
    const tag = hex(4);
    const percent = await registerUser(h, { nickname: `할인50%_${tag}` });
    expect((await h.gql(SEARCH, { q: `0%_${tag}` }, { token: admin })).data!.searchUsers.map((u: { id: string }) => u.id)).toEqual([percent.id]);
    expect((await h.gql(SEARCH, { q: `0__${tag}` }, { token: admin })).data!.searchUsers).toEqual([]);
  });
});

describe('User.sessionCount', () => {
  it('counts open sessions for an ADMIN (no details) and the member, null for anyone else', async () => {
    const member = await registerUser(h, { nickname: `세션${hex(4)}` });
    await h.gql(LOGIN, { email: member.email, password: member.password });
    const second = (await h.gql(LOGIN, { email: member.email, password: member.password })).data!.login;
    const admin = await adminToken();
    const query = `query($id: ID!) { user(id: $id) { sessionCount sessions { id } } }`;
    expect((await h.gql(query, { id: member.id }, { token: admin })).data!.user).toEqual({ sessionCount: 3, sessions: [] });
    expect((await h.gql(query, { id: member.id }, { token: member.accessToken })).data!.user.sessionCount).toBe(3);
    const stranger = await registerUser(h);
    expect((await h.gql(query, { id: member.id }, { token: stranger.accessToken })).data!.user.sessionCount).toBeNull();
    await h.gql(`mutation { logout }`, {}, { token: second.accessToken });
    expect((await h.gql(query, { id: member.id }, { token: admin })).data!.user.sessionCount).toBe(2);
  });
});
