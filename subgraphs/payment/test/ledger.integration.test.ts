// The ledger against real PostgreSQL: the database itself refuses what the ledger rules forbid, so a
// bug in a service (or a hand-written SQL fix) cannot leave unbalanced or edited books.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../../scripts/lib/ledger-check.ts';
import '../../../test/support/provided-context.ts';
import { inject } from 'vitest';
import { createDatabase, transaction, type PaymentPrisma } from '../src/database.ts';
import { LedgerRepository } from '../src/ledger/ledger-repository.ts';
import { entryFor, type PaymentMoney } from '../src/ledger/postings.ts';

let prisma: PaymentPrisma;
let ledger: LedgerRepository;

beforeAll(() => {
  prisma = createDatabase({ databaseUrl: inject('databaseUrl') });
  ledger = new LedgerRepository(prisma);
});
afterAll(() => prisma.$disconnect());

/**
 * A payment row for the ledger to hang from. The service moves a payment's status and its ledger
 * together; these tests book by hand, so each gives the status its bookings leave (the suite's
 * teardown checks that every escrow balance matches its payment's status).
 */
async function newPayment(amount = 120_000, status: 'AWAITING_PAYMENT' | 'HELD' | 'RELEASED' = 'AWAITING_PAYMENT'): Promise<PaymentMoney> {
  const money: PaymentMoney = { id: randomUUID(), buyerId: randomUUID(), sellerId: randomUUID(), amount, provider: `sandbox-${randomUUID().slice(0, 8)}`, fee: 3_480 };
  await prisma.payment.create({
    data: {
      id: money.id,
      transactionId: randomUUID(),
      productId: randomUUID(),
      buyerId: money.buyerId,
      sellerId: money.sellerId,
      amount,
      status,
      provider: money.provider,
      orderId: `order-${money.id}`,
    },
  });
  return money;
}

function rawPostings(entryId: string, amounts: number[]): string {
  return amounts.map((amount) => `('${entryId}', 'ESCROW_HELD', 'x', ${amount})`).join(', ');
}

describe('ledger in PostgreSQL', () => {
  it('books hold and release once each, with balances derived from postings', async () => {
    const money = await newPayment(120_000, 'RELEASED');
    await transaction(prisma, async (tx) => {
      expect(await ledger.record(tx, entryFor('HOLD', money))).toBe(true);
    });
    // The same movement again (a redelivered webhook) books nothing.
    await transaction(prisma, async (tx) => {
      expect(await ledger.record(tx, entryFor('HOLD', money))).toBe(false);
    });
    await transaction(prisma, (tx) => ledger.record(tx, entryFor('RELEASE', money)));
    expect(await ledger.movementsOf(money.id)).toEqual(['HOLD', 'RELEASE']);
    expect(await ledger.balanceOf({ kind: 'ESCROW_HELD', ownerId: money.id })).toBe(0);
    expect(await ledger.balanceOf({ kind: 'SELLER_PAYABLE', ownerId: money.sellerId })).toBe(-120_000);
    expect(await ledger.balanceOf({ kind: 'PROVIDER_CLEARING', ownerId: money.provider })).toBe(120_000 - 3_480);
    expect(await ledger.trialBalance()).toBe(0);
  });

  it('refuses an unbalanced entry at commit, leaving nothing behind', async () => {
    const money = await newPayment();
    const entryId = randomUUID();
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO ledger_entries (id, payment_id, kind) VALUES ('${entryId}', '${money.id}', 'HOLD')`);
        await tx.$executeRawUnsafe(`INSERT INTO ledger_postings (entry_id, account_kind, account_owner, amount) VALUES ${rawPostings(entryId, [100, -99])}`);
      }),
    ).rejects.toThrow(/unbalanced/);
    expect(await prisma.ledgerEntry.count({ where: { id: entryId } })).toBe(0);
    expect(await ledger.trialBalance()).toBe(0);
  });

  it('refuses a one-sided entry and a zero posting', async () => {
    const money = await newPayment();
    const oneSided = randomUUID();
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO ledger_entries (id, payment_id, kind) VALUES ('${oneSided}', '${money.id}', 'HOLD')`);
        await tx.$executeRawUnsafe(`INSERT INTO ledger_postings (entry_id, account_kind, account_owner, amount) VALUES ${rawPostings(oneSided, [0])}`);
      }),
    ).rejects.toThrow(/amount_nonzero/);
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO ledger_entries (id, payment_id, kind) VALUES ('${oneSided}', '${money.id}', 'HOLD')`);
        await tx.$executeRawUnsafe(`INSERT INTO ledger_postings (entry_id, account_kind, account_owner, amount) VALUES ${rawPostings(oneSided, [5])}`);
      }),
    ).rejects.toThrow(/unbalanced/);
  });

  it('refuses editing or deleting booked postings and entries', async () => {
    const money = await newPayment(120_000, 'HELD');
    await transaction(prisma, (tx) => ledger.record(tx, entryFor('HOLD', money)));
    await expect(prisma.$executeRawUnsafe(`UPDATE ledger_postings SET amount = amount + 1 WHERE account_owner = '${money.id}'`)).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM ledger_postings WHERE account_owner = '${money.id}'`)).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM ledger_entries WHERE payment_id = '${money.id}'`)).rejects.toThrow(/append-only/);
    expect(await ledger.balanceOf({ kind: 'ESCROW_HELD', ownerId: money.id })).toBe(-120_000);
  });

  it('refuses a negative price and a fee above it', async () => {
    await expect(newPayment(-1)).rejects.toThrow(/payments_amount_positive/);
    const money = await newPayment();
    await expect(prisma.payment.update({ where: { id: money.id }, data: { fee: 200_000 } })).rejects.toThrow(/payments_fee_within_amount/);
  });

  it('the after-suite check (scripts/lib/ledger-check.ts) names a payment whose escrow does not match its status', async () => {
    const money = await newPayment(77_000, 'HELD');
    await transaction(prisma, (tx) => ledger.record(tx, entryFor('HOLD', money)));
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      // Inside a transaction rolled back afterwards: the suite's own teardown must still find the books right.
      await client.query('BEGIN');
      await client.query(`UPDATE svc_payment.payments SET status = 'RELEASED' WHERE id = $1`, [money.id]);
      await expect(checkLedger(client)).rejects.toThrow(new RegExp(`escrow does not match their status: .*${money.id} RELEASED amount 77000 escrow 77000`));
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });
});
