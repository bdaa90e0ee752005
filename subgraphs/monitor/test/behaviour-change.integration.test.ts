// BEHAVIOUR_CHANGE through the real consumer: an established, SAFE-graded account (copies fed by
// user.registered and safety.score_changed) that suddenly lists cheap high-value items
// (product.created against the category median of the monitor's copy) and/or asks to pay off the
// app (chat.message_screened findings) is flagged HIGH despite its good grade; the same behaviour
// of a young account is left to the rules about young accounts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SafetyGrade } from '../src/model.ts';
import { hex, MonitorHarness, user } from './support/harness.ts';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

const DAY = 24 * 3_600_000;
type Id = ReturnType<typeof user>;
const now = () => new Date().toISOString();

async function established(who: Id, ageDays: number, grade: SafetyGrade): Promise<void> {
  await h.knownSince(new Date(Date.now() - ageDays * DAY), who);
  await h.deliver({
    type: 'safety.score_changed',
    producer: 'safety',
    subjectUserId: who.userId,
    data: { userId: who.userId, score: grade === 'SAFE' ? 70 : 45, grade, previousScore: null, previousGrade: null, version: 1, cause: 'batch.nightly', changedAt: now() },
  });
}
const listed = (seller: Id, category: string, price: number) =>
  h.deliver({
    type: 'product.created',
    producer: 'transaction',
    subjectUserId: seller.userId,
    data: { productId: randomUUID(), sellerId: seller.userId, title: '미러리스 카메라', price, category, region: null, createdAt: now() },
  });
const askedOffApp = (sender: Id, recipient: Id) =>
  h.deliver({
    type: 'chat.message_screened',
    producer: 'chat',
    subjectUserId: sender.userId,
    data: { conversationId: randomUUID(), messageId: randomUUID(), senderId: sender.userId, recipientId: recipient.userId, masked: false, findings: [{ code: 'OFF_APP_CONTACT', level: 'MEDIUM' }], at: now() },
  });
/** A category whose listings usually sell for about 1,000,000 won (five of them: enough for a median). */
async function pricyCategory(): Promise<string> {
  const category = `CAMERA-${hex(4)}`;
  for (const price of [900_000, 1_000_000, 1_000_000, 1_100_000, 1_200_000]) await listed(user(), category, price);
  return category;
}
const rulesOf = async (who: Id) => (await h.prisma.riskAlert.findMany({ where: { subjectUserId: who.userId }, orderBy: { createdAt: 'asc' } })).map((alert) => alert.rule);

describe('BEHAVIOUR_CHANGE', () => {
  it('a 400-day-old SAFE seller listing three cameras at a fifth of their price within a day', async () => {
    const category = await pricyCategory();
    const seller = user();
    await established(seller, 400, 'SAFE');
    await listed(seller, category, 200_000);
    await listed(seller, category, 200_000);
    expect(await rulesOf(seller)).toEqual(['PRICE_TOO_GOOD', 'PRICE_TOO_GOOD']);
    await listed(seller, category, 200_000);
    const rules = await rulesOf(seller);
    expect(rules.filter((rule) => rule === 'BEHAVIOUR_CHANGE')).toHaveLength(1);
    expect(await h.server.assessment.levelOf(seller.userId)).toBe('HIGH');
    const alert = await h.prisma.riskAlert.findFirstOrThrow({ where: { subjectUserId: seller.userId, rule: 'BEHAVIOUR_CHANGE' } });
    expect(alert.productId).not.toBeNull();
    const warnings = await h.ok(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { riskWarnings } } }`, { r: [{ __typename: 'Product', id: alert.productId }] }, { lang: 'en' });
    expect(warnings._entities[0].riskWarnings).toContain("This seller's recent activity is very unlike their usual. Do not pay in advance; use safe payment only.");
  });

  it('a long-standing seller asking three buyers to move off the app; the third buyer is warned in plain words', async () => {
    const seller = user();
    const buyers = [user(), user(), user()];
    await established(seller, 200, 'SAFE');
    await askedOffApp(seller, buyers[0]!);
    await askedOffApp(seller, buyers[1]!);
    // Each request raises its own OFF_APP_CONTACT for its buyer; the pattern needs three.
    expect((await rulesOf(seller)).filter((rule) => rule === 'BEHAVIOUR_CHANGE')).toEqual([]);
    await askedOffApp(seller, buyers[2]!);
    const [alert] = await h.prisma.riskAlert.findMany({ where: { subjectUserId: seller.userId, rule: 'BEHAVIOUR_CHANGE' }, include: { recipients: true } });
    expect(alert).toMatchObject({ level: 'HIGH', recipients: [expect.objectContaining({ userId: buyers[2]!.userId })] });
    const seen = await h.ok(`{ riskAlerts { rule message } }`, {}, { identity: buyers[2]!, lang: 'ko' });
    expect(seen.riskAlerts).toContainEqual({ rule: 'BEHAVIOUR_CHANGE', message: expect.stringContaining('도용당했을 수 있으니') });
    expect((await h.ok(`{ riskAlerts { rule } }`, {}, { identity: buyers[0]! })).riskAlerts).not.toContainEqual({ rule: 'BEHAVIOUR_CHANGE' });
  });

  it('both signs together: two cheap listings and one off-app request', async () => {
    const category = await pricyCategory();
    const seller = user();
    await established(seller, 365, 'SAFE');
    await listed(seller, category, 150_000);
    await listed(seller, category, 150_000);
    await askedOffApp(seller, user());
    expect((await rulesOf(seller)).filter((rule) => rule === 'BEHAVIOUR_CHANGE')).toHaveLength(1);
  });

  it('not for a young account, nor for an old one graded NORMAL (other rules are about them)', async () => {
    const category = await pricyCategory();
    const young = user();
    const middling = user();
    await established(young, 20, 'SAFE');
    await established(middling, 400, 'NORMAL');
    for (const seller of [young, middling]) {
      for (let i = 0; i < 3; i += 1) await listed(seller, category, 150_000);
      for (let i = 0; i < 3; i += 1) await askedOffApp(seller, user());
      expect(await rulesOf(seller)).not.toContain('BEHAVIOUR_CHANGE');
    }
  });
});
