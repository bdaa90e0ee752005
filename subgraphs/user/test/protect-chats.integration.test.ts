// protectChats (issue 18 point 4): a protected member chooses that their minimum grade also
// applies to conversations. The member themself (and an ADMIN) read it; others read null; it
// travels in user.profile_updated for the chat service's copy, and in /internal/user-facts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyError, registerUser, UserHarness } from './support/harness.ts';
import { outboxNaming } from '../../../test/support/subgraph-harness.ts';

const h = new UserHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id protectedMode minCounterpartGrade protectChats } }`;
const USER = `query($id: ID!) { user(id: $id) { id protectedMode protectChats minCounterpartGrade } }`;

/** The answer's data as the member with this token (the harness's ok() signs identities, not tokens). */
async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const result = await h.gql(query, variables, { token });
  if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

async function lastProfileEvent(userId: string) {
  const rows = await h.prisma.outboxEvent.findMany({ where: { type: 'user.profile_updated', payload: { path: ['subjectUserId'], equals: userId } }, select: { payload: true }, orderBy: { createdAt: 'asc' } });
  return (rows.at(-1)?.payload as { data: Record<string, unknown> } | undefined)?.data;
}

describe('protectChats', () => {
  it('is set by the member, published in user.profile_updated, and private to them', async () => {
    const member = await registerUser(h);
    const other = await registerUser(h);
    const updated = (await ok(UPDATE, { input: { protectedMode: true, protectChats: true } }, member.accessToken)).updateProfile;
    expect(updated).toEqual({ id: member.id, protectedMode: true, minCounterpartGrade: 'NORMAL', protectChats: true });
    expect(await lastProfileEvent(member.id)).toMatchObject({ fields: ['protectedMode', 'protectChats', 'minCounterpartGrade'], protectedMode: true, protectChats: true, minCounterpartGrade: 'NORMAL' });
    // Someone else sees that the member is protected (public), not how.
    expect((await ok(USER, { id: member.id }, other.accessToken)).user).toEqual({ id: member.id, protectedMode: true, protectChats: null, minCounterpartGrade: null });
    expect((await ok(USER, { id: member.id }, member.accessToken)).user.protectChats).toBe(true);

    const off = (await ok(UPDATE, { input: { protectChats: false } }, member.accessToken)).updateProfile;
    expect(off.protectChats).toBe(false);
    expect(await lastProfileEvent(member.id)).toMatchObject({ fields: ['protectChats'], protectChats: false });
  });

  it('refuses a value that is not a boolean with a code, and another member\'s profile with FORBIDDEN; nothing written', async () => {
    const member = await registerUser(h);
    const other = await registerUser(h);
    // Outbox rows naming these two only: the user test files run side by side in one database.
    const events = () => outboxNaming(h.prisma, [member.id, other.id]);
    const before = await events();
    expect(onlyError(await h.gql(UPDATE, { input: { protectChats: 'yes' } }, { token: member.accessToken })).code).toBe('BAD_USER_INPUT');
    const forOther = `mutation($input: UpdateProfileInput!, $userId: ID) { updateProfile(input: $input, userId: $userId) { id } }`;
    const refused = await h.gql(forOther, { input: { protectChats: true }, userId: other.id }, { token: member.accessToken });
    expect(onlyError(refused).code).toBe('FORBIDDEN');
    expect(await events()).toBe(before);
    expect((await ok(USER, { id: other.id }, other.accessToken)).user.protectChats).toBe(false);
  });
});
