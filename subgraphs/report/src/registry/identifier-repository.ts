// Payment identifiers (bank accounts, phone numbers) named in reports: the only code that reads or
// writes `payment_identifiers`. Values are stored encrypted; lookups go by the keyed hash.
import { randomUUID } from 'node:crypto';
import type { ReportPrisma, Tx } from '../database.ts';
import { storedTrust } from '../model.ts';
import type { IdentifierReports } from './fraud-registry.ts';

export interface NewPaymentIdentifier {
  type: 'BANK_ACCOUNT' | 'PHONE';
  lookupHash: string;
  valueEncrypted: string;
}

/** Pending reports read per lookup hash: newest first, enough to decide, bounded against floods. */
const PENDING_PER_IDENTIFIER = 500;

export class IdentifierRepository {
  constructor(private readonly prisma: ReportPrisma) {}

  async add(tx: Tx, reportId: string, identifiers: readonly NewPaymentIdentifier[]): Promise<void> {
    if (identifiers.length === 0) return;
    await tx.paymentIdentifier.createMany({ data: identifiers.map((i) => ({ id: randomUUID(), reportId, ...i })), skipDuplicates: true });
  }

  async ofReport(tx: Tx, reportId: string): Promise<Array<{ type: 'BANK_ACCOUNT' | 'PHONE'; lookupHash: string }>> {
    const rows = await tx.paymentIdentifier.findMany({ where: { reportId }, select: { type: true, lookupHash: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({ type: row.type as 'BANK_ACCOUNT' | 'PHONE', lookupHash: row.lookupHash }));
  }

  /** What one report named, sealed as stored, in the order the reporter gave them (at most 5: toStore's cap). */
  async sealedOfReport(reportId: string): Promise<Array<{ type: 'BANK_ACCOUNT' | 'PHONE'; lookupHash: string; valueEncrypted: string }>> {
    const rows = await this.prisma.paymentIdentifier.findMany({
      where: { reportId },
      select: { type: true, lookupHash: true, valueEncrypted: true },
      orderBy: { createdAt: 'asc' },
      take: 20,
    });
    return rows.map((row) => ({ type: row.type as 'BANK_ACCOUNT' | 'PHONE', lookupHash: row.lookupHash, valueEncrypted: row.valueEncrypted }));
  }

  /** Accepted reports naming the hash (count, latest) and the newest pending ones with their reporters' trust. */
  async reportsNaming(lookupHash: string): Promise<IdentifierReports> {
    const [confirmed, pending] = await Promise.all([
      this.prisma.$queryRaw<Array<{ confirmed: bigint; last: Date | null }>>`
        SELECT count(DISTINCT r.id) AS confirmed, max(r.created_at) AS last
        FROM payment_identifiers p JOIN reports r ON r.id = p.report_id
        WHERE p.lookup_hash = ${lookupHash} AND r.status = 'ACTION_TAKEN'`,
      this.prisma.$queryRaw<Array<{ reporter_id: string; reporter_trust: unknown; created_at: Date }>>`
        SELECT r.reporter_id::text AS reporter_id, r.reporter_trust, r.created_at
        FROM payment_identifiers p JOIN reports r ON r.id = p.report_id
        WHERE p.lookup_hash = ${lookupHash} AND r.status IN ('RECEIVED', 'IN_REVIEW')
        ORDER BY r.created_at DESC LIMIT ${PENDING_PER_IDENTIFIER}`,
    ]);
    return {
      confirmedReports: Number(confirmed[0]?.confirmed ?? 0),
      lastConfirmedAt: confirmed[0]?.last ?? null,
      pending: pending.map((row) => ({ reporterId: row.reporter_id, reporterTrust: storedTrust(row.reporter_trust), filedAt: row.created_at })),
    };
  }
}
