// An alert that reports raised about a member (REPORT_*) keeps the listing or trade of the report
// that tipped it; the member reading their own alerts must not get it (it would name the reporter),
// ADMINs do. Alerts of other rules keep showing their listing to their subject.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, ALERT_FIELDS, MonitorHarness, user } from './support/harness.ts';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

const ALERTS = `query($userId: ID) { riskAlerts(userId: $userId) { ${ALERT_FIELDS} } }`;

async function alertAbout(subjectUserId: string, rule: string, productId: string, transactionId: string | null): Promise<string> {
  const id = randomUUID();
  await h.prisma.riskAlert.create({ data: { id, level: 'HIGH', rule, messageKo: '알림', messageEn: 'alert', subjectUserId, productId, transactionId } });
  return id;
}

describe('alerts raised by reports', () => {
  it("hide the report's listing and trade from their subject; ADMINs see them", async () => {
    const target = user();
    const [productId, transactionId] = [randomUUID(), randomUUID()];
    const id = await alertAbout(target.userId, 'REPORT_BURST', productId, transactionId);
    const own = (await h.ok(ALERTS, {}, { identity: target })).riskAlerts;
    expect(own.find((a: { id: string }) => a.id === id)).toMatchObject({ rule: 'REPORT_BURST', product: null, transaction: null });
    const asAdmin = (await h.ok(ALERTS, { userId: target.userId }, { identity: admin() })).riskAlerts;
    expect(asAdmin.find((a: { id: string }) => a.id === id)).toMatchObject({ product: { id: productId }, transaction: { id: transactionId } });

    const ref = `query($r: [_Any!]!) { _entities(representations: $r) { ... on RiskAlert { product { id } transaction { id } } } }`;
    expect((await h.ok(ref, { r: [{ __typename: 'RiskAlert', id }] }, { identity: target }))._entities[0]).toEqual({ product: null, transaction: null });
  });

  it('other rules still show their listing to the subject', async () => {
    const seller = user();
    const productId = randomUUID();
    const id = await alertAbout(seller.userId, 'PRICE_TOO_GOOD', productId, null);
    const own = (await h.ok(ALERTS, {}, { identity: seller })).riskAlerts;
    expect(own.find((a: { id: string }) => a.id === id)).toMatchObject({ product: { id: productId } });
  });
});
