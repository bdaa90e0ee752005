// The demo seed against real processes (every subgraph, the safety worker, the gateway): safe-trade
// zones, and the demo marketplace at a small scale run twice — the second run creates nothing and
// reads back the same counts; every trade state, report state and grade appears, alerts exist, and
// the buyers' conversations hold small talk and fraudsters' messages the chat screening warned about.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedError } from '../../scripts/lib/seed-client.ts';
import { seedMarketplace } from '../../scripts/lib/seed-marketplace.ts';
import { DEMO_ZONES, seedZones } from '../../scripts/lib/seed-zones.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';

const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'safety', 'report', 'monitor', 'chat'],
    workers: ['safety'],
    // A generous subgraph deadline: argon2 registrations on a busy 2-core machine are slow.
    env: { BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, SUBGRAPH_TIMEOUT_MS: '60000' },
    // Six subgraphs, a worker and the gateway start at once: slow on a busy 2-core machine.
    startTimeoutMs: 400_000,
  });
}, 900_000);
afterAll(async () => {
  await stack?.stop();
});

interface Zone { id: string; name: string; region: string; latitude: number; longitude: number }

async function zones(variables: Record<string, unknown>): Promise<Zone[]> {
  const result = await graphql<{ safeTradeZones: Zone[] }>(
    stack.gatewayUrl,
    'query($region: String, $near: GeoPointInput, $first: Int) { safeTradeZones(region: $region, near: $near, first: $first) { id name region latitude longitude } }',
    variables,
  );
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.safeTradeZones;
}

/** Zones per city ("서울" / "부산"), over every district the demo set uses. */
async function countByCity(): Promise<Record<string, number>> {
  const counts: Record<string, number> = { 서울: 0, 부산: 0 };
  for (const region of new Set(DEMO_ZONES.map((z) => z.region))) {
    const listed = await zones({ region, first: 50 });
    const city = region.split(' ')[0]!;
    counts[city] = (counts[city] ?? 0) + listed.length;
  }
  return counts;
}

describe('npm run seed (safe-trade zones)', () => {
  it('refuses clearly when it cannot sign in', async () => {
    const attempt = seedZones({ gatewayUrl: stack.gatewayUrl, email: adminEmail, password: 'wrong-password-123' });
    await expect(attempt).rejects.toBeInstanceOf(SeedError);
    await expect(attempt).rejects.toThrow(/BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… npm start/);
  }, 120_000);

  it('upserts the Seoul and Busan zones; a second run creates nothing; near ordering works', async () => {
    const lines: string[] = [];
    const first = await seedZones({ gatewayUrl: stack.gatewayUrl, email: adminEmail, password: adminPassword, log: (l) => lines.push(l) });
    expect(first.created + first.updated + first.unchanged).toBe(DEMO_ZONES.length);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/created.*updated/);
    const afterFirst = await countByCity();
    expect(afterFirst['서울']).toBeGreaterThanOrEqual(10);
    expect(afterFirst['부산']).toBeGreaterThanOrEqual(10);

    const second = await seedZones({ gatewayUrl: stack.gatewayUrl, email: adminEmail, password: adminPassword });
    expect(second.created).toBe(0);
    expect(second.updated).toBe(0);
    expect(second.unchanged).toBe(DEMO_ZONES.length);
    expect(await countByCity()).toEqual(afterFirst);

    // A changed zone is updated in place (same id), not duplicated; the full set puts it back.
    const target = DEMO_ZONES[0]!;
    const [before] = (await zones({ region: target.region, first: 50 })).filter((z) => z.name === target.name);
    const changed = await seedZones({ gatewayUrl: stack.gatewayUrl, email: adminEmail, password: adminPassword, zones: [{ ...target, openHours: '평일 10:00-17:00' }] });
    expect(changed).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const restored = await seedZones({ gatewayUrl: stack.gatewayUrl, email: adminEmail, password: adminPassword });
    expect(restored).toEqual({ created: 0, updated: 1, unchanged: DEMO_ZONES.length - 1 });
    const same = (await zones({ region: target.region, first: 50 })).filter((z) => z.name === target.name);
    expect(same.map((z) => z.id)).toEqual([before!.id]);
    expect(await countByCity()).toEqual(afterFirst);

    // Near 해운대역: Busan zones, nearest first.
    const point = { latitude: 35.1636, longitude: 129.1588 };
    const nearest = await zones({ near: point, first: 3 });
    expect(nearest).toHaveLength(3);
    for (const zone of nearest) expect(zone.region.startsWith('부산')).toBe(true);
    expect(nearest[0]!.name).toBe('해운대역 5번 출구');
    const cos = Math.cos((point.latitude * Math.PI) / 180);
    const distances = nearest.map((z) => (z.latitude - point.latitude) ** 2 + ((z.longitude - point.longitude) * cos) ** 2);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
  }, 120_000);
});

describe('npm run seed (demo marketplace)', () => {
  const options = () => ({
    gatewayUrl: stack.gatewayUrl,
    userServiceUrl: stack.operationsUrls.user!,
    adminEmail,
    adminPassword,
    users: 20,
    products: 60,
    concurrency: 3,
    waitTimeoutMs: 60_000,
  });

  it('builds every trade state, report state and grade with alerts and conversations; a second run creates nothing and counts the same', async () => {
    const first = await seedMarketplace(options());
    const s = first.summary;
    expect(first.created.users).toBe(20);
    expect(first.created.products).toBe(60);
    expect(s.users).toBe(20);
    expect(s.products).toBe(60);
    for (const grade of ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'] as const) expect(s.usersByGrade[grade], grade).toBeGreaterThan(0);
    for (const state of ['REQUESTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'DISPUTED'] as const) expect(s.tradesByStatus[state], state).toBeGreaterThan(0);
    for (const state of ['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED'] as const) expect(s.reportsByStatus[state], state).toBeGreaterThan(0);
    // The fraudsters' bait listings raise alerts from the listing events.
    expect((s.alertsByRule['PRICE_TOO_GOOD'] ?? 0) + (s.alertsByRule['NEW_ACCOUNT_HIGH_VALUE'] ?? 0)).toBeGreaterThan(0);
    // Conversations through the chat API: small talk passes, the fraudsters' messages reach the
    // buyer with warnings (an account in Hangul numerals, a lookalike link, a messenger ID), and the
    // account an accepted report exposed is masked.
    expect(first.created.conversations).toBeGreaterThanOrEqual(5);
    expect(s.chats.conversations).toBe(first.created.conversations);
    expect(s.chats.messages).toBeGreaterThanOrEqual(first.created.messages);
    expect(s.chats.withWarnings).toBeGreaterThanOrEqual(4);
    expect(s.chats.withWarnings).toBeLessThan(s.chats.messages);
    const byCode = (code: string) => s.chats.warningsByCode[code] ?? 0;
    for (const code of ['OFF_APP_CONTACT', 'KNOWN_FRAUD_IDENTIFIER']) expect(byCode(code), `${code} in ${JSON.stringify(s.chats.warningsByCode)}`).toBeGreaterThan(0);
    // Each fraudster gets one strong message (HIGH risk stops them until they verify): with this small
    // seed's two fraudsters only one of the two kinds appears; seed-plan.test.ts screens every planned text.
    expect(byCode('PAYMENT_IDENTIFIER') + byCode('LOOKALIKE_LINK'), JSON.stringify(s.chats.warningsByCode)).toBeGreaterThan(0);
    // The account an accepted report exposed is masked (a lookalike link is masked too, when a fraudster sends one).
    expect(s.chats.masked).toBeGreaterThanOrEqual(1);
    expect(first.examples).toHaveLength(3);

    // A demo member signs in with the documented password and has what the plan gave them.
    const example = first.examples[0]!;
    const login = await graphql<{ login: { user: { verifications: Array<{ method: string }>; tradeStats: { completed: number } } } }>(
      stack.gatewayUrl,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { verifications { method } tradeStats { completed } } } }',
      { e: example.email, p: 'anshim-demo-2026' },
    );
    expect(login.body.errors).toBeUndefined();
    expect(login.body.data!.login.user.verifications.map((v) => v.method).sort()).toEqual(['EMAIL', 'SMS']);
    expect(login.body.data!.login.user.tradeStats.completed).toBeGreaterThanOrEqual(10);

    const second = await seedMarketplace(options());
    expect(second.created).toEqual({ users: 0, verifications: 0, profiles: 0, products: 0, trades: 0, tradeSteps: 0, ratings: 0, reports: 0, reviews: 0, conversations: 0, messages: 0 });
    expect(second.zones.created + second.zones.updated).toBe(0);
    expect(second.summary).toEqual(s);
  }, 900_000);
});
