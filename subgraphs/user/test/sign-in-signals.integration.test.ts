// What the user service tells the monitor about sign-ins: user.signed_in on every successful one
// (password, provider code, refresh rotation) with the device id and address the gateway signed,
// newDevice from the account's known devices, in the sign-in's own transaction; the device on
// user.registered; the phone's lookup hash on an SMS user.verified. A device id a member sends
// unsigned is not believed. User subgraph, real PostgreSQL and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindPendingPhone, REGISTER, registerUser, uniqueEmail, uniquePhone, UserHarness } from './support/harness.ts';

const h = new UserHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }`;
const REFRESH = `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken } }`;

async function eventsOf(type: string, userId: string) {
  const rows = await h.prisma.outboxEvent.findMany({
    where: { type, payload: { path: ['subjectUserId'], equals: userId } },
    orderBy: { createdAt: 'asc' },
    select: { payload: true },
  });
  return rows.map((r) => (r.payload as { data: Record<string, unknown> }).data);
}

describe('user.signed_in', () => {
  it('is published for a password sign-in and a refresh, with the signed device and address; newDevice from the known devices', async () => {
    const phone = { deviceId: 'phone-a1', address: '203.0.113.7' };
    const email = uniqueEmail('signin');
    const registered = await h.gql(REGISTER, { input: { email, password: 'correct-horse-battery', nickname: '기기' } }, { client: phone });
    const userId = registered.data!.register.user.id as string;
    expect((await eventsOf('user.registered', userId))[0]).toMatchObject({ userId, deviceId: 'phone-a1' });
    // A sign-up is not a sign-in, but its device is known from then on.
    expect(await eventsOf('user.signed_in', userId)).toEqual([]);

    const first = await h.gql(LOGIN, { email, password: 'correct-horse-battery' }, { client: phone });
    expect(first.errors).toBeUndefined();
    const tablet = { deviceId: 'tablet-b2', address: '198.51.100.4' };
    const second = await h.gql(LOGIN, { email, password: 'correct-horse-battery' }, { client: tablet });
    const refreshed = await h.gql(REFRESH, { token: second.data!.login.refreshToken }, { client: tablet });
    expect(refreshed.errors).toBeUndefined();
    // No device id at all (an old app): still a sign-in, never a "new device".
    await h.gql(LOGIN, { email, password: 'correct-horse-battery' });

    const signIns = await eventsOf('user.signed_in', userId);
    expect(signIns.map(({ method, deviceId, clientAddress, newDevice }) => ({ method, deviceId, clientAddress, newDevice }))).toEqual([
      { method: 'PASSWORD', deviceId: 'phone-a1', clientAddress: '203.0.113.7', newDevice: false },
      { method: 'PASSWORD', deviceId: 'tablet-b2', clientAddress: '198.51.100.4', newDevice: true },
      { method: 'REFRESH', deviceId: 'tablet-b2', clientAddress: '198.51.100.4', newDevice: false },
      { method: 'PASSWORD', deviceId: null, clientAddress: null, newDevice: false },
    ]);
    const devices = await h.prisma.knownDevice.findMany({ where: { userId }, orderBy: { firstSeenAt: 'asc' } });
    expect(devices.map((d) => d.deviceId)).toEqual(['phone-a1', 'tablet-b2']);
    expect(devices[1]!.lastSeenAt.getTime()).toBeGreaterThan(devices[1]!.firstSeenAt.getTime());
  });

  it('is not published for a failed sign-in, and a device id sent outside the signature is refused as forged', async () => {
    const user = await registerUser(h);
    expect((await h.gql(LOGIN, { email: user.email, password: 'wrong-password-here' }, { client: { deviceId: 'x', address: null } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await eventsOf('user.signed_in', user.id)).toEqual([]);
    // A member adding the header themselves: the signature no longer matches, nothing runs.
    const forged = await h.gql(LOGIN, { email: user.email, password: user.password }, { headers: { 'x-anshim-client': 'd=victims-phone&a=10.0.0.1' } });
    expect(forged.status).toBe(401);
    expect(await eventsOf('user.signed_in', user.id)).toEqual([]);
  });
});

describe('user.verified for SMS', () => {
  it('carries the bound phone\'s lookup hash (the same one the account stores), never the number', async () => {
    const user = await registerUser(h, { phone: uniquePhone() });
    expect((await bindPendingPhone(h, user)).errors).toBeUndefined();
    const { phoneHash } = await h.prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { phoneHash: true } });
    expect(phoneHash).toEqual(expect.any(String));
    const [verified] = await eventsOf('user.verified', user.id);
    expect(verified).toMatchObject({ method: 'SMS', phoneLookupHash: phoneHash });
    expect(JSON.stringify(verified)).not.toContain(user.phone!.replace(/-/g, '').slice(3));
  });
});
