// Safe-trade zones: ADMINs curate them, anyone finds them by region or nearest first, and a
// party of an open trade proposes one as the meeting spot (an event tells monitor and safety).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct, hex, newUser, onlyError, START, withUserOwner } from './support/harness.ts';

// startTransaction reads protection from the user service: the owner starts first, on port 0.
const { h } = withUserOwner();

const UPSERT = `mutation($id: ID, $input: SafeTradeZoneInput!) { upsertSafeTradeZone(id: $id, input: $input) { id name kind region latitude longitude openHours } }`;
const ZONES = `query($region: String, $near: GeoPointInput, $first: Int) { safeTradeZones(region: $region, near: $near, first: $first) { id name } }`;
const PROPOSE = `mutation($t: ID!, $z: ID!) { proposeMeetingSpot(transactionId: $t, zoneId: $z) { id meetingSpot { id name kind } } }`;
const admin = newUser('ADMIN');
const region = `서울 테스트구 ${hex(3)}`;

const zone = (name: string, latitude: number, longitude: number, kind = 'POLICE_STATION') => ({ name, kind, address: `${name} 앞`, region, latitude, longitude, openHours: '24시간' });

describe('safe-trade zones', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const [name, lat, lon] of [['마포경찰서', 37.5502, 126.9537], ['홍대입구역', 37.5572, 126.9245], ['망원주민센터', 37.5559, 126.9105]] as const) {
      ids[name] = (await h.ok<{ upsertSafeTradeZone: { id: string } }>(UPSERT, { input: zone(name, lat, lon) }, { identity: admin })).upsertSafeTradeZone.id;
    }
  });

  it('only ADMINs add or change zones; bad coordinates are refused', async () => {
    expect(onlyError(await h.gql(UPSERT, { input: zone('x', 37, 127) }, { identity: newUser() })).code).toBe('FORBIDDEN');
    const bad = onlyError(await h.gql(UPSERT, { input: zone('', 91, 127) }, { identity: admin }));
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.fields.map((f: { field: string }) => f.field).sort()).toEqual(['latitude', 'name']);
    expect(onlyError(await h.gql(UPSERT, { id: randomUUID(), input: zone('y', 37, 127) }, { identity: admin })).code).toBe('NOT_FOUND');
    const renamed = await h.ok<{ upsertSafeTradeZone: { name: string } }>(UPSERT, { id: ids['마포경찰서'], input: zone('마포경찰서 안전거래존', 37.5502, 126.9537) }, { identity: admin });
    expect(renamed.upsertSafeTradeZone.name).toBe('마포경찰서 안전거래존');
  });

  it('lists a region by name, or nearest first', async () => {
    const byName = await h.ok<{ safeTradeZones: Array<{ name: string }> }>(ZONES, { region });
    expect(byName.safeTradeZones.map((z) => z.name)).toEqual(['마포경찰서 안전거래존', '망원주민센터', '홍대입구역']);
    const nearHongdae = await h.ok<{ safeTradeZones: Array<{ name: string }> }>(ZONES, { region, near: { latitude: 37.5566, longitude: 126.9236 }, first: 2 });
    expect(nearHongdae.safeTradeZones.map((z) => z.name)).toEqual(['홍대입구역', '망원주민센터']);
    expect(onlyError(await h.gql(ZONES, { first: 51 })).code).toBe('BAD_USER_INPUT');
  });

  it('a party proposes a meeting spot for an open trade; others cannot; the event is published', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const trade = (await h.ok<{ startTransaction: { id: string } }>(START, { id: product.id }, { identity: buyer })).startTransaction;
    expect(onlyError(await h.gql(PROPOSE, { t: trade.id, z: ids['홍대입구역'] }, { identity: newUser() })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(PROPOSE, { t: trade.id, z: randomUUID() }, { identity: buyer })).code).toBe('NOT_FOUND');
    const proposed = await h.ok<{ proposeMeetingSpot: { meetingSpot: { name: string; kind: string } } }>(PROPOSE, { t: trade.id, z: ids['홍대입구역'] }, { identity: buyer });
    expect(proposed.proposeMeetingSpot.meetingSpot).toEqual({ id: ids['홍대입구역'], name: '홍대입구역', kind: 'POLICE_STATION' });
    const event = await h.prisma.outboxEvent.findFirst({ where: { type: 'transaction.meeting_spot_proposed', payload: { path: ['data', 'transactionId'], equals: trade.id } }, select: { payload: true } });
    expect((event!.payload as { data: Record<string, unknown> }).data).toMatchObject({ zoneId: ids['홍대입구역'], by: buyer.userId });

    await h.ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: CANCELLED) { id } }`, { id: trade.id }, { identity: seller });
    expect(onlyError(await h.gql(PROPOSE, { t: trade.id, z: ids['망원주민센터'] }, { identity: buyer })).code).toBe('BAD_USER_INPUT');
  });
});
