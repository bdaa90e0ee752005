// Read-your-writes across copies (issue 18 point 5): the report service's copies of users,
// products and trades are fed by events; a report about something whose event is still on its way
// is accepted, because the copy asks the owner before answering NOT_FOUND. Deterministic: the real
// user and transaction subgraphs publish under their own Redis prefixes, so their events never
// reach this report subgraph: the copy learns only through the read. When the owner cannot answer,
// TEMPORARILY_UNAVAILABLE and nothing written; NOT_FOUND only when the owner says so too.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@anshim/platform';
import { onlyError, ReportHarness } from './support/harness.ts';
import { outboxNaming } from '../../../test/support/subgraph-harness.ts';
import { createProduct, START, TransactionHarness } from '../../transaction/test/support/harness.ts';
import { registerUser, UserHarness } from '../../user/test/support/harness.ts';

const userOwner = new UserHarness();
const transactionOwner = new TransactionHarness({}, userOwner);
const h = new ReportHarness({}, { user: userOwner, transaction: transactionOwner });
beforeAll(async () => {
  // Owners first, on port 0; the report subgraph gets their real URLs.
  await userOwner.start();
  await transactionOwner.start();
  await h.start();
});
afterAll(async () => {
  await h.stop();
  await transactionOwner.stop();
  await userOwner.stop();
});

const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id status target { id } product { id } transaction { id } } }`;
const description = '입금했는데 물건을 보내지 않고 연락이 끊겼어요.';
const member = async (): Promise<Identity> => ({ userId: (await registerUser(userOwner)).id, role: 'USER' });
// What a refused filing could have written about these members (never a whole table: the report test
// files run side by side in one database).
const counts = (...members: Identity[]) => {
  const ids = members.map((m) => m.userId);
  return Promise.all([h.prisma.report.count({ where: { OR: [{ reporterId: { in: ids } }, { targetUserId: { in: ids } }] } }), outboxNaming(h.prisma, ids)]);
};

describe('a copy that does not know yet asks the owner', () => {
  it('accepts a report against a member who registered a moment ago (user.registered not consumed)', async () => {
    const reporter = await member();
    const target = await member();
    expect(await h.prisma.knownUser.findUnique({ where: { id: target.userId } })).toBeNull();
    const { fileReport } = await h.ok(FILE, { input: { targetUserId: target.userId, type: 'FRAUD', description } }, { identity: reporter });
    expect(fileReport).toMatchObject({ status: 'RECEIVED', target: { id: target.userId } });
    // The copy now knows them, from the owner's registration time (the late event changes nothing).
    const known = await h.prisma.knownUser.findUnique({ where: { id: target.userId }, select: { registeredAt: true } });
    expect(known).not.toBeNull();
  });

  it('accepts a report naming a product listed and a trade started a moment ago', async () => {
    const buyer = await member();
    const seller = await member();
    const product = await createProduct(transactionOwner, seller);
    const trade = (await transactionOwner.ok<{ startTransaction: { id: string } }>(START, { id: product.id }, { identity: buyer })).startTransaction;
    expect(await h.prisma.knownProduct.findUnique({ where: { id: product.id } })).toBeNull();
    expect(await h.prisma.knownTrade.findUnique({ where: { id: trade.id } })).toBeNull();
    const { fileReport } = await h.ok(
      FILE,
      { input: { targetUserId: seller.userId, type: 'NO_SHOW', description: '약속 장소에 나오지 않고 연락도 받지 않았어요.', productId: product.id, transactionId: trade.id } },
      { identity: buyer },
    );
    expect(fileReport).toMatchObject({ product: { id: product.id }, transaction: { id: trade.id } });
    expect(await h.prisma.knownTrade.findUnique({ where: { id: trade.id }, select: { buyerId: true, sellerId: true } })).toEqual({ buyerId: buyer.userId, sellerId: seller.userId });
  });

  it('still refuses a trade the reporter is not a party of, learnt from the owner (authorization on the owner\'s facts)', async () => {
    const [buyer, seller, stranger] = [await member(), await member(), await member()];
    const product = await createProduct(transactionOwner, seller);
    const trade = (await transactionOwner.ok<{ startTransaction: { id: string } }>(START, { id: product.id }, { identity: buyer })).startTransaction;
    const before = await counts(buyer, seller, stranger);
    const refused = onlyError(await h.gql(FILE, { input: { targetUserId: seller.userId, type: 'FRAUD', description, transactionId: trade.id } }, { identity: stranger }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await counts(buyer, seller, stranger)).toEqual(before);
  });

  it('answers NOT_FOUND when the owner does not know them either; nothing written', async () => {
    const reporter = await member();
    const target = await member();
    const before = await counts(reporter, target);
    for (const [input, field] of [
      [{ targetUserId: randomUUID() }, 'targetUserId'],
      [{ targetUserId: target.userId, productId: randomUUID() }, 'productId'],
      [{ targetUserId: target.userId, transactionId: randomUUID() }, 'transactionId'],
    ] as const) {
      const error = onlyError(await h.gql(FILE, { input: { type: 'FRAUD', description, ...input } }, { identity: reporter }));
      expect(error, field).toMatchObject({ code: 'NOT_FOUND', extensions: { field } });
    }
    expect(await counts(reporter, target)).toEqual(before);
  });
});

describe('fail closed when the owner is down', () => {
  it('refuses with TEMPORARILY_UNAVAILABLE (not NOT_FOUND) and writes nothing', async () => {
    const orphan = new ReportHarness(); // owners' URLs point nowhere
    await orphan.start();
    try {
      const [reporter, target, reporterEn, targetEn] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const ids = [reporter, target, reporterEn, targetEn];
      // The rows about these four only: the report test files run side by side in one database.
      const written = () => Promise.all([
        orphan.prisma.report.count({ where: { OR: [{ reporterId: { in: ids } }, { targetUserId: { in: ids } }] } }),
        orphan.prisma.knownUser.count({ where: { id: { in: ids } } }),
      ]);
      const before = await written();
      const refused = onlyError(await orphan.gql(FILE, { input: { targetUserId: target, type: 'FRAUD', description } }, { identity: { userId: reporter, role: 'USER' } }));
      expect(refused).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', extensions: { reason: 'OWNER_UNAVAILABLE', retryable: true } });
      const en = onlyError(await orphan.gql(FILE, { input: { targetUserId: targetEn, type: 'FRAUD', description } }, { identity: { userId: reporterEn, role: 'USER' }, lang: 'en' }));
      expect(en.message).toMatch(/cannot be checked right now/);
      expect(await written()).toEqual(before);
    } finally {
      await orphan.stop();
    }
  });
});
