// The monitor subgraph against real PostgreSQL and Redis: the platform's signals (chat screening,
// sign-ins; the harness publishes them as the chat and user services do) → alerts, level, actions
// and events; recordActivity for ADMINs only; subscriptions over graphql-ws; the copies and rules
// fed by other services' events.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelName } from '@anshim/platform';
import type { ReporterTrust } from '@anshim/contracts';
import { userAlertChannel } from '../src/alerts/alert-channels.ts';
import { admin, ALERT_FIELDS, chatted, KNOWN_FRAUD, LOOKALIKE, MonitorHarness, OFF_APP, onlyError, PAYMENT, screened, signedIn, user, waitFor } from './support/harness.ts';

const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { level rulesMatched alerts { ${ALERT_FIELDS} } } }`;
const LEVEL = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { riskLevel } } }`;
const WARNINGS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { riskWarnings } } }`;
const ADVANCE_PAYMENT = '선입금 부탁드려요 국민은행 123456-78-901234';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

const levelOf = async (target: string, as = admin()) => (await h.ok(LEVEL, { reps: [{ __typename: 'User', id: target }] }, { identity: as }))._entities[0].riskLevel;
const outbox = (type: string, userId: string) =>
  h.prisma.outboxEvent.findMany({ where: { type, payload: { path: ['subjectUserId'], equals: userId } }, select: { payload: true } });

describe('signals from the platform (chat screening, sign-ins)', () => {
  it('raises an alert for the buyer when screening finds a payment identifier in the seller\'s message, pushes it to subscribers, and sets HIGH', async () => {
    const seller = user();
    const buyer = user();
    const boss = admin();
    const mine = h.subscribe<{ myRiskAlerts: Record<string, any> }>(`subscription { myRiskAlerts { ${ALERT_FIELDS} } }`, buyer);
    const all = h.subscribe<{ riskAlerts: Record<string, any> }>(`subscription { riskAlerts(minLevel: HIGH) { id level rule subject { id } } }`, boss);
    // No blind sleep: a probe member's screened messages warn the buyer until both subscriptions delivered once.
    const probe = user();
    const firstMine = mine.next();
    const firstAll = all.next();
    const delivered = Promise.all([firstMine, firstAll]);
    let live = false;
    void delivered.then(() => (live = true));
    await waitFor('both subscriptions to be live', async () => {
      if (live) return true;
      await screened(h, probe, buyer, [PAYMENT]);
      return waitFor('probe alerts', () => live, { timeoutMs: 1_000 }).catch(() => false);
    });
    expect((await firstMine).value?.data?.myRiskAlerts.subject).toEqual({ id: probe.userId });
    const nextMine = mine.next();
    const nextAll = all.next();
    const fromSeller = async <T>(iterator: typeof mine | typeof all, first: Promise<IteratorResult<T>>, field: string) => {
      for (let result = await first; ; result = (await iterator.next()) as IteratorResult<T>) {
        const alert = (result.value as any)?.data?.[field];
        if (alert?.subject?.id === seller.userId) return alert;
      }
    };

    await screened(h, seller, buyer, [PAYMENT]);
    const alert = await fromSeller(mine, nextMine as never, 'myRiskAlerts');
    expect(alert).toMatchObject({ level: 'HIGH', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', subject: { id: seller.userId }, recipients: [{ id: buyer.userId }], acknowledged: false });
    expect(alert.message).toMatch(/선입금|안전결제/);
    expect(await fromSeller(all, nextAll as never, 'riskAlerts')).toMatchObject({ id: alert.id, level: 'HIGH' });
    await mine.return?.();
    await all.return?.();

    expect(await levelOf(seller.userId)).toBe('HIGH');
    const automatic = (await outbox('monitor.action_taken', seller.userId)).map((row) => (row.payload as any).data.action).sort();
    expect(automatic).toEqual(['REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    expect(await outbox('monitor.risk_detected', seller.userId)).toHaveLength(1);
    expect(await outbox('monitor.alert_raised', seller.userId)).toHaveLength(1);

    // The buyer sees it in English too, and acknowledges it.
    const listed = await h.ok(`{ riskAlerts { id message acknowledged } }`, {}, { identity: buyer, lang: 'en' });
    expect(listed.riskAlerts[0]).toEqual({ id: alert.id, message: expect.stringMatching(/safe payment/), acknowledged: false });
    const ack = await h.ok(`mutation($id: ID!) { acknowledgeRiskAlert(id: $id) { id acknowledged } }`, { id: alert.id }, { identity: buyer });
    expect(ack.acknowledgeRiskAlert).toEqual({ id: alert.id, acknowledged: true });
  });

  it('maps each screening finding to its rule and level, always warning the recipient', async () => {
    const cases = [
      { finding: KNOWN_FRAUD, rule: 'KNOWN_FRAUD_ACCOUNT', level: 'CRITICAL' },
      { finding: LOOKALIKE, rule: 'PHISHING_LINK', level: 'HIGH' },
      { finding: OFF_APP, rule: 'OFF_APP_CONTACT', level: 'MEDIUM' },
    ];
    for (const { finding, rule, level } of cases) {
      const [sender, recipient] = [user(), user()];
      await screened(h, sender, recipient, [finding]);
      const alerts = await h.prisma.riskAlert.findMany({ where: { subjectUserId: sender.userId }, include: { recipients: true } });
      expect(alerts.map((a) => ({ rule: a.rule, level: a.level, to: a.recipients.map((r) => r.userId) }))).toEqual([{ rule, level, to: [recipient.userId] }]);
    }
  });

  it('escalates to CRITICAL on a second HIGH rule and holds transactions (monitor.action_taken)', async () => {
    const seller = user();
    const buyer = user();
    await screened(h, seller, buyer, [PAYMENT]);
    await screened(h, seller, buyer, [LOOKALIKE]);
    expect(await levelOf(seller.userId)).toBe('CRITICAL');
    const actions = (await outbox('monitor.action_taken', seller.userId)).map((row) => (row.payload as any).data);
    expect(actions.map((a) => a.action).sort()).toEqual(['HOLD_TRANSACTIONS', 'REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    expect(actions.find((a) => a.action === 'HOLD_TRANSACTIONS')).toMatchObject({ by: null, expiresAt: expect.any(String) });
    // Each signal carries the combined level once it counted (computed in the write, not read back),
    // as its monitor.risk_detected said: HIGH for the first rule, CRITICAL with the second.
    const signals = await h.prisma.riskSignal.findMany({ where: { userId: seller.userId }, orderBy: { createdAt: 'asc' }, select: { level: true, userLevel: true, alertId: true } });
    expect(signals.map((s) => [s.level, s.userLevel])).toEqual([['HIGH', 'HIGH'], ['HIGH', 'CRITICAL']]);
    const detected = (await outbox('monitor.risk_detected', seller.userId)).map((row) => (row.payload as any).data);
    expect(new Map(detected.map((d) => [d.alertId, d.level]))).toEqual(new Map(signals.map((s) => [s.alertId, s.userLevel])));
  });

  it('an honest message (chat.contact_observed, nothing screened) only records the contact, both ways', async () => {
    const [seller, buyer] = [user(), user()];
    await chatted(h, seller, buyer);
    expect(await h.prisma.riskAlert.count({ where: { subjectUserId: seller.userId } })).toBe(0);
    expect(await h.prisma.contact.count({ where: { OR: [{ userId: seller.userId, counterpartId: buyer.userId }, { userId: buyer.userId, counterpartId: seller.userId }] } })).toBe(2);
  });

  it('flags a device shared by three accounts within a day, from user.signed_in', async () => {
    const deviceId = `device-${randomUUID()}`;
    const [a, b, c] = [user(), user(), user()];
    await signedIn(h, a, deviceId);
    await signedIn(h, b, deviceId);
    await signedIn(h, a, deviceId);
    expect(await h.prisma.riskAlert.count({ where: { rule: 'SHARED_DEVICE', subjectUserId: { in: [a.userId, b.userId] } } })).toBe(0);
    await signedIn(h, c, deviceId);
    const alert = await h.prisma.riskAlert.findFirstOrThrow({ where: { rule: 'SHARED_DEVICE', subjectUserId: c.userId } });
    expect(alert.level).toBe('HIGH');
  });
});

describe('recordActivity (ADMINs and trusted integrations only)', () => {
  it('refuses members with FORBIDDEN in plain Korean and English, and writes nothing', async () => {
    const me = user();
    const victim = user();
    const ko = onlyError(await h.gql(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: victim.userId, text: ADVANCE_PAYMENT } }, { identity: me }));
    expect(ko).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('관리자') });
    const en = onlyError(await h.gql(RECORD, { input: { type: 'LOGIN', deviceId: 'shared' } }, { identity: me, lang: 'en' }));
    expect(en).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('administrators') });
    expect(onlyError(await h.gql(RECORD, { input: { type: 'LOGIN' } }, { identity: null })).code).toBe('UNAUTHENTICATED');
    await h.server.buffer.flush();
    expect(await h.prisma.activity.count({ where: { userId: me.userId } })).toBe(0);
    expect(await h.prisma.riskAlert.count({ where: { OR: [{ subjectUserId: me.userId }, { recipients: { some: { userId: victim.userId } } }] } })).toBe(0);
  });

  it('validates an ADMIN\'s input', async () => {
    const boss = admin();
    expect(onlyError(await h.gql(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: boss.userId, text: 'hi' } }, { identity: boss })).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await h.gql(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: 'nope' } }, { identity: boss })).code).toBe('BAD_USER_INPUT');
    // A member the copy does not know, while the user service cannot answer (this harness has none): refused, nothing recorded.
    const unknown = randomUUID();
    expect(onlyError(await h.gql(RECORD, { input: { type: 'LOGIN', userId: unknown } }, { identity: boss })).code).toBe('TEMPORARILY_UNAVAILABLE');
    await h.server.buffer.flush();
    expect(await h.prisma.activity.count({ where: { userId: unknown } })).toBe(0);
    expect(await h.prisma.auditEntry.count({ where: { targetId: unknown } })).toBe(0);
    const { recordActivity } = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: randomUUID(), text: '토요일 3시에 역 앞에서 만나요. 안전결제로 할게요' } }, { identity: boss });
    expect(recordActivity).toEqual({ level: 'NONE', rulesMatched: [], alerts: [] });
  });

  it('warns a named counterpart only when they really had a conversation with the subject; recorded activity makes no contact', async () => {
    const integration = admin();
    const stranger = user();
    const first = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: stranger.userId, text: ADVANCE_PAYMENT } }, { identity: integration });
    expect(first.recordActivity.rulesMatched).toEqual(['OFF_PLATFORM_PAYMENT_REQUEST']);
    expect(first.recordActivity.alerts[0].recipients).toEqual([]);
    await h.server.buffer.flush();
    expect(await h.prisma.contact.count({ where: { OR: [{ userId: integration.userId }, { counterpartId: integration.userId }] } })).toBe(0);

    await chatted(h, stranger, integration);
    const second = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: stranger.userId, text: '안전결제 링크: http://anshim-safepay.xyz/pay' } }, { identity: integration });
    expect(second.recordActivity.alerts[0]).toMatchObject({ rule: 'PHISHING_LINK', recipients: [{ id: stranger.userId }] });
  });

  it('writes raw activity behind, in batches', async () => {
    const boss = admin();
    for (let i = 0; i < 3; i += 1) await h.ok(RECORD, { input: { type: 'LOGIN', deviceId: `dev-${boss.userId}` } }, { identity: boss });
    await h.server.buffer.flush();
    expect(await h.prisma.activity.count({ where: { userId: boss.userId } })).toBe(3);
  });
});

describe('risk level and admin actions', () => {
  it('shows the level to the user and ADMINs only, and rebuilds it from signals when the cache is gone', async () => {
    const seller = user();
    await screened(h, seller, user(), [PAYMENT]);
    expect(await levelOf(seller.userId, seller)).toBe('HIGH');
    expect(onlyError(await h.gql(LEVEL, { reps: [{ __typename: 'User', id: seller.userId }] }, { identity: user() })).code).toBe('FORBIDDEN');
    await h.redis.del(`monitor:level:${seller.userId}`);
    expect(await levelOf(seller.userId)).toBe('HIGH');
  });

  it('takeRiskAction: ADMIN only, audited; CLEAR ends the signals, lifts the hold and emits risk_cleared', async () => {
    const seller = user();
    const boss = admin();
    await screened(h, seller, user(), [PAYMENT]);
    const ACT = `mutation($input: RiskActionInput!) { takeRiskAction(input: $input) }`;
    expect(onlyError(await h.gql(ACT, { input: { userId: seller.userId, action: 'CLEAR', reason: 'x' } }, { identity: seller })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(ACT, { input: { userId: seller.userId, action: 'CLEAR', reason: '  ' } }, { identity: boss })).code).toBe('BAD_USER_INPUT');
    expect((await h.ok(ACT, { input: { userId: seller.userId, action: 'CLEAR', reason: '본인 확인 완료' } }, { identity: boss })).takeRiskAction).toBe(true);
    expect(await levelOf(seller.userId)).toBe('NONE');
    await h.redis.del(`monitor:level:${seller.userId}`);
    expect(await levelOf(seller.userId)).toBe('NONE');
    expect(await outbox('monitor.risk_cleared', seller.userId)).toHaveLength(1);
    const actions = (await outbox('monitor.action_taken', seller.userId)).map((row) => (row.payload as any).data);
    expect(actions.find((a) => a.action === 'CLEAR')).toMatchObject({ by: boss.userId, reason: '본인 확인 완료' });
    expect(await h.prisma.auditEntry.count({ where: { targetId: seller.userId, actorId: boss.userId, action: 'risk.clear' } })).toBe(1);
  });

  it('riskAlerts: own alerts, or any user for an ADMIN', async () => {
    const seller = user();
    await screened(h, seller, user(), [PAYMENT]);
    expect(onlyError(await h.gql(`query($u: ID) { riskAlerts(userId: $u) { id } }`, { u: seller.userId }, { identity: user() })).code).toBe('FORBIDDEN');
    expect((await h.ok(`query($u: ID) { riskAlerts(userId: $u) { id subject { id } } }`, { u: seller.userId }, { identity: admin() })).riskAlerts).toHaveLength(1);
  });

  it('recentRiskAlerts: ADMIN only, newest first, at or above minLevel, first bounded', async () => {
    const [offApp, payment] = [user(), user()];
    await screened(h, offApp, user(), [OFF_APP]);
    await screened(h, payment, user(), [PAYMENT]);
    const query = `query($min: RiskLevel, $first: Int) { recentRiskAlerts(minLevel: $min, first: $first) { id level rule subject { id } } }`;
    // A member asking for everyone's alerts (an oracle of who is under watch) is refused.
    expect(onlyError(await h.gql(query, {}, { identity: user() })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(query, {}, { identity: null })).code).toBe('UNAUTHENTICATED');
    expect(onlyError(await h.gql(query, { first: 101 }, { identity: admin() })).code).toBe('BAD_USER_INPUT');
    const all = (await h.ok(query, { min: 'LOW', first: 100 }, { identity: admin() })).recentRiskAlerts as Array<{ level: string; subject: { id: string } }>;
    const mine = all.filter((alert) => [offApp.userId, payment.userId].includes(alert.subject.id));
    expect(mine.map((alert) => alert.subject.id)).toEqual([payment.userId, offApp.userId]);
    const high = (await h.ok(query, { min: 'HIGH', first: 100 }, { identity: admin() })).recentRiskAlerts as Array<{ level: string; subject: { id: string } }>;
    expect(high.every((alert) => alert.level === 'HIGH' || alert.level === 'CRITICAL')).toBe(true);
    expect(high.some((alert) => alert.subject.id === payment.userId)).toBe(true);
    expect(high.some((alert) => alert.subject.id === offApp.userId)).toBe(false);
  });
});

describe('subscriptions', () => {
  it('refuses myRiskAlerts without identity and riskAlerts for a non-admin', async () => {
    const anonymous = await h.subscribe(`subscription { myRiskAlerts { id } }`, null).next();
    expect(anonymous.value?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const notAdmin = await h.subscribe(`subscription { riskAlerts { id } }`, user()).next();
    expect(notAdmin.value?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("myRiskAlerts listens on the member's own channel, where the subject and each recipient get their alert", async () => {
    const seller = user();
    const buyer = user();
    const listeners = async (member: string) => {
      const [, count] = (await h.redis.pubsub('NUMSUB', channelName({ prefix: h.prefix }, userAlertChannel(member)))) as [string, number];
      return Number(count);
    };
    const [buyerSide, sellerSide] = [h.subscribe<{ myRiskAlerts: Record<string, any> }>(`subscription { myRiskAlerts { id subject { id } } }`, buyer), h.subscribe<{ myRiskAlerts: Record<string, any> }>(`subscription { myRiskAlerts { id subject { id } } }`, seller)];
    const [toBuyer, toSeller] = [buyerSide.next(), sellerSide.next()];
    await waitFor('both members to listen on their own channels', async () => (await listeners(buyer.userId)) === 1 && (await listeners(seller.userId)) === 1);
    // An alert between two other members goes to their channels only.
    await screened(h, user(), user(), [PAYMENT]);

    await screened(h, seller, buyer, [PAYMENT]);
    const raised = await h.prisma.riskAlert.findFirstOrThrow({ where: { subjectUserId: seller.userId } });
    const expected = { id: raised.id, subject: { id: seller.userId } };
    expect((await toBuyer).value?.data?.myRiskAlerts).toEqual(expected);
    expect((await toSeller).value?.data?.myRiskAlerts).toEqual(expected);
    await buyerSide.return?.();
    await sellerSide.return?.();
    await waitFor('the channels to be released', async () => (await listeners(buyer.userId)) === 0 && (await listeners(seller.userId)) === 0);
  });
});

describe('events of other services', () => {
  it('NEW_ACCOUNT_HIGH_VALUE from product.created of a 1-day-old account, with a warning on the product', async () => {
    const seller = user();
    await h.knownSince(new Date(Date.now() - 24 * 3_600_000), seller);
    const productId = randomUUID();
    await h.publish({
      type: 'product.created',
      producer: 'transaction',
      subjectUserId: seller.userId,
      data: { productId, sellerId: seller.userId, title: '맥북 프로', price: 1_500_000, category: 'DIGITAL', region: null, createdAt: new Date().toISOString() },
    });
    const alert = await waitFor('the listing alert', () => h.prisma.riskAlert.findFirst({ where: { subjectUserId: seller.userId, rule: 'NEW_ACCOUNT_HIGH_VALUE' } }).then((a) => a ?? undefined));
    expect(alert.productId).toBe(productId);
    const { _entities } = await h.ok(WARNINGS, { reps: [{ __typename: 'Product', id: productId }, { __typename: 'Product', id: randomUUID() }] }, { identity: null });
    expect(_entities.map((p: { riskWarnings: string[] }) => p.riskWarnings)).toEqual([[expect.stringContaining('가입한 지 일주일')], []]);
    const english = await h.ok(WARNINGS, { reps: [{ __typename: 'Product', id: productId }] }, { lang: 'en' });
    expect(english._entities[0].riskWarnings).toEqual([expect.stringContaining('less than a week')]);
  });

  it('REPORT_BURST from three reporters who traded with the target (not from repeats of one); never from throwaway accounts', async () => {
    const file = (target: string, reporterId: string, reporter: ReporterTrust) =>
      h.publish({
        type: 'report.filed',
        producer: 'report',
        subjectUserId: target,
        data: { reportId: randomUUID(), reporterId, targetUserId: target, type: 'FRAUD', priority: 'NORMAL', productId: null, transactionId: null, filedAt: new Date().toISOString(), reporter },
      });
    const level = async (target: ReturnType<typeof user>) => (await h.ok(LEVEL, { reps: [{ __typename: 'User', id: target.userId }] }, { identity: target }))._entities[0].riskLevel;

    // Ten fresh, unverified accounts that never dealt with the target: no alert, no risk.
    const honest = user();
    const fresh: ReporterTrust = { verifiedMethods: [], accountAgeDays: 0, tradedWithTarget: false };
    for (let i = 0; i < 10; i += 1) await h.processed(await file(honest.userId, randomUUID(), fresh));
    expect(await h.prisma.riskAlert.count({ where: { subjectUserId: honest.userId } })).toBe(0);
    expect(await level(honest)).toBe('NONE');

    // People who traded with the target: one reporter twice counts once; the third one raises it.
    const target = user();
    const traded: ReporterTrust = { verifiedMethods: [], accountAgeDays: 3, tradedWithTarget: true };
    const first = randomUUID();
    for (const reporter of [first, first, randomUUID()]) await h.processed(await file(target.userId, reporter, traded));
    expect(await h.redis.zcard(`monitor:win:{reports:${target.userId}}`)).toBe(2);
    expect(await h.prisma.riskAlert.count({ where: { subjectUserId: target.userId } })).toBe(0);
    await h.processed(await file(target.userId, randomUUID(), traded));
    await waitFor('REPORT_BURST', async () => (await h.prisma.riskAlert.count({ where: { subjectUserId: target.userId, rule: 'REPORT_BURST' } })) === 1);
    expect(await level(target)).toBe('HIGH');
  });

  it('PROTECTED_USER_EXPOSED when a seller below a protected buyer\'s minimum grade writes to them (chat.contact_observed)', async () => {
    const seller = user();
    const buyer = user();
    const profile = await h.publish({
      type: 'user.profile_updated',
      producer: 'user',
      subjectUserId: buyer.userId,
      data: { userId: buyer.userId, fields: ['protectedMode'], profileCompleteness: 50, protectedMode: true, minCounterpartGrade: 'SAFE' },
    });
    const grade = await h.publish({
      type: 'safety.score_changed',
      producer: 'safety',
      subjectUserId: seller.userId,
      data: { userId: seller.userId, score: 45, grade: 'NORMAL', previousScore: null, previousGrade: null, version: 1, cause: 'user.registered', changedAt: new Date().toISOString() },
    });
    await h.processed(profile);
    await h.processed(grade);
    await chatted(h, seller, buyer);
    const alerts = await h.prisma.riskAlert.findMany({ where: { subjectUserId: seller.userId }, include: { recipients: true } });
    expect(alerts.map((a) => ({ rule: a.rule, to: a.recipients.map((r) => r.userId) }))).toEqual([{ rule: 'PROTECTED_USER_EXPOSED', to: [buyer.userId] }]);
  });

  it('Product.riskWarnings come only from alerts whose subject is the listing\'s seller', async () => {
    const seller = user();
    const buyer = user();
    await h.knownSince(new Date(Date.now() - 365 * 24 * 3_600_000), seller);
    const productId = randomUUID();
    await h.deliver({
      type: 'product.created',
      producer: 'transaction',
      subjectUserId: seller.userId,
      data: { productId, sellerId: seller.userId, title: '자전거', price: 90_000, category: 'SPORTS', region: null, createdAt: new Date().toISOString() },
    });
    // A buyer writes a fake payment link in the listing's conversation: the buyer is warned about, not the listing.
    await screened(h, buyer, seller, [LOOKALIKE], { productId });
    expect(await h.prisma.riskAlert.count({ where: { productId, subjectUserId: buyer.userId } })).toBe(1);
    // A day-old integration account records an expensive "listing" naming this product: a listing
    // rule with a product warning matches, but its subject is not the seller.
    const integration = admin();
    await h.knownSince(new Date(Date.now() - 24 * 3_600_000), integration);
    const recorded = await h.ok(RECORD, { input: { type: 'LISTING_CREATED', productId, amount: 1_500_000 } }, { identity: integration });
    expect(recorded.recordActivity.rulesMatched).toContain('NEW_ACCOUNT_HIGH_VALUE');
    expect(recorded.recordActivity.alerts[0].product).toEqual({ id: productId });
    expect((await h.ok(WARNINGS, { reps: [{ __typename: 'Product', id: productId }] }))._entities[0].riskWarnings).toEqual([]);
    // The seller's own listing alert does show.
    const ownAlert = await h.prisma.riskAlert.create({
      data: { id: randomUUID(), level: 'MEDIUM', rule: 'LISTING_BURST', messageKo: '-', messageEn: '-', subjectUserId: seller.userId, productId },
    });
    expect((await h.ok(WARNINGS, { reps: [{ __typename: 'Product', id: productId }] }))._entities[0].riskWarnings).toEqual([expect.stringContaining('많은 물건')]);
    expect(ownAlert.productId).toBe(productId);
  });
});
