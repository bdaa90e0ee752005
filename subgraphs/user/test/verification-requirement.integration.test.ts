// REQUIRE_VERIFICATION decided by the user service, against a real user subgraph, PostgreSQL and
// Redis, with monitor.action_taken fed through the real consumer: imposed on a member without SMS
// and ID card verification (user.verification_requirement_changed required=true), shown to the
// member themself only, narrowed when SMS is confirmed, satisfied when an ADMIN approves the ID card
// (required=false); lifted by CLEAR; a late, older REQUIRE_VERIFICATION after CLEAR is ignored;
// verification done before the requirement counts.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindPendingPhone, registerUser, uniquePhone, UserHarness, type CallOptions, type RegisteredUser } from './support/harness.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const admin = { userId: randomUUID(), role: 'ADMIN' as const };
const REQUIREMENT = /* GraphQL */ `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id verificationRequirement { missing since message } } } }`;

let dir: string;
let h: UserHarness;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anshim-requirement-'));
  h = await new UserHarness({ STORAGE_LOCAL_DIR: dir }).start();
});
afterAll(async () => {
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Published = { required: boolean; missing: string[]; at: string };
async function published(userId: string): Promise<Published[]> {
  const rows = await h.prisma.outboxEvent.findMany({
    where: { type: 'user.verification_requirement_changed', payload: { path: ['subjectUserId'], equals: userId } },
    orderBy: { createdAt: 'asc' },
    select: { payload: true },
  });
  return rows.map((row) => {
    const { required, missing, at } = (row.payload as { data: Published }).data;
    return { required, missing, at };
  });
}

const act = (userId: string, action: 'REQUIRE_VERIFICATION' | 'CLEAR' | 'WARN_COUNTERPARTS', takenAt: number) =>
  h.deliver({
    type: 'monitor.action_taken',
    producer: 'monitor',
    subjectUserId: userId,
    data: { userId, action, reason: 'automatic: HIGH (OFF_PLATFORM_PAYMENT_REQUEST)', by: action === 'CLEAR' ? admin.userId : null, takenAt: new Date(takenAt).toISOString(), expiresAt: null },
  });

async function requirementAs(user: RegisteredUser, viewer: CallOptions) {
  const result = await h.gql<{ _entities: Array<{ verificationRequirement: { missing: string[]; since: string; message: string } | null }> }>(
    REQUIREMENT,
    { r: [{ __typename: 'User', id: user.id }] },
    viewer,
  );
  if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
  return result.data._entities[0]!.verificationRequirement;
}

async function ok<T>(query: string, variables: Record<string, unknown>, options: CallOptions): Promise<T> {
  const result = await h.gql<T>(query, variables, options);
  if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

async function approveIdCard(user: RegisteredUser): Promise<void> {
  const { id, upload } = (await ok<{ requestVerification: { id: string; upload: { url: string } } }>(`mutation { requestVerification(method: ID_CARD) { id upload { url } } }`, {}, { token: user.accessToken })).requestVerification;
  expect((await h.send(upload.url, { method: 'PUT', body: PNG, headers: { 'content-type': 'image/png' } })).status).toBe(200);
  await h.ok(`mutation($id: ID!) { decideIdCardCheck(id: $id, decision: APPROVE) { status } }`, { id }, { identity: admin });
}

describe('REQUIRE_VERIFICATION in the user service', () => {
  it('is imposed, shown to the member only, narrowed by SMS and satisfied by the ID card', async () => {
    const member = await registerUser(h, { phone: uniquePhone() });
    const other = await registerUser(h);
    await act(member.id, 'REQUIRE_VERIFICATION', Date.now());
    expect(await published(member.id)).toMatchObject([{ required: true, missing: ['SMS', 'ID_CARD'] }]);

    const own = await requirementAs(member, { token: member.accessToken });
    expect(own).toMatchObject({ missing: ['SMS', 'ID_CARD'] });
    expect(own!.message).toContain('휴대폰 인증과 신분증 인증을 마치면 다시');
    expect((await requirementAs(member, { token: member.accessToken, lang: 'en' }))!.message).toContain('Complete phone (SMS) verification and ID card verification');
    // Nobody else learns that the monitor stopped this member: not another member, not via _entities.
    expect(await requirementAs(member, { token: other.accessToken })).toBeNull();
    expect(await requirementAs(member, { identity: admin })).toBeNull();

    const bound = await bindPendingPhone(h, member);
    expect(bound.errors).toBeUndefined();
    expect((await published(member.id)).map((e) => e.missing)).toEqual([['SMS', 'ID_CARD'], ['ID_CARD']]);
    expect((await requirementAs(member, { token: member.accessToken }))!.message).toContain('신분증 인증을 마치면');

    await approveIdCard(member);
    const events = await published(member.id);
    expect(events.map(({ required, missing }) => ({ required, missing }))).toEqual([
      { required: true, missing: ['SMS', 'ID_CARD'] },
      { required: true, missing: ['ID_CARD'] },
      { required: false, missing: [] },
    ]);
    // Each later than the one before: copies that keep the newest follow along.
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(3);
    expect(await requirementAs(member, { token: member.accessToken })).toBeNull();
  });

  it('CLEAR lifts it; a late, older REQUIRE_VERIFICATION after the CLEAR and a repeat change nothing', async () => {
    const member = await registerUser(h);
    const at = Date.now();
    await act(member.id, 'REQUIRE_VERIFICATION', at);
    await act(member.id, 'REQUIRE_VERIFICATION', at); // the same action again (e.g. recorded twice): nothing new
    expect(await published(member.id)).toHaveLength(1);
    await act(member.id, 'CLEAR', at + 1000);
    expect((await published(member.id)).map((e) => e.required)).toEqual([true, false]);
    await act(member.id, 'REQUIRE_VERIFICATION', at); // late and older than the CLEAR
    expect((await published(member.id)).map((e) => e.required)).toEqual([true, false]);
    expect(await requirementAs(member, { token: member.accessToken })).toBeNull();
    // Other actions are not this service's to enforce.
    await act(member.id, 'WARN_COUNTERPARTS', at + 2000);
    expect(await published(member.id)).toHaveLength(2);
    // A newer one imposes it again.
    await act(member.id, 'REQUIRE_VERIFICATION', at + 3000);
    expect((await published(member.id)).map((e) => e.required)).toEqual([true, false, true]);
  });

  it('verification done before counts: a member with SMS and ID card is not stopped (they could not verify again)', async () => {
    const member = await registerUser(h, { phone: uniquePhone() });
    expect((await bindPendingPhone(h, member)).errors).toBeUndefined();
    await approveIdCard(member);
    await act(member.id, 'REQUIRE_VERIFICATION', Date.now());
    expect(await published(member.id)).toEqual([]);
    expect(await requirementAs(member, { token: member.accessToken })).toBeNull();
  });

  it('an action for an unknown account changes nothing', async () => {
    const ghost = randomUUID();
    await act(ghost, 'REQUIRE_VERIFICATION', Date.now());
    expect(await published(ghost)).toEqual([]);
    expect(await h.prisma.verificationRequirement.count({ where: { userId: ghost } })).toBe(0);
  });
});
