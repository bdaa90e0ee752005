// The demo seed against real processes (user + transaction subgraphs, the gateway): it signs in
// as the bootstrap admin, upserts the Seoul/Busan safe-trade zones, and a second run creates nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ZONES, SeedError, seedZones } from '../../scripts/lib/seed-zones.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';

const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'transaction'],
    env: { BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword },
  });
}, 90_000);
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
  });

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
  });
});
