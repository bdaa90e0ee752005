// Copies fed by events, so a report's target, product and trade are checked without reading
// another service's tables: user ids (user.registered), product sellers (product.created) and
// trade parties (transaction.requested). The same copies say how much a report weighs (who the
// reporter is and whether they really dealt with the target, reporter-trust.ts): verifications
// (user.verified, user.profile_updated) and accepted trades (transaction.accepted and later steps).
// Every write keeps the earliest (or, for verifications, the latest) time, so events may arrive
// late, twice or out of order.
import type { ReporterTrust, ReporterVerification } from '@anshim/contracts';
import { DAY_MS } from '@anshim/platform';
import type { ReportPrisma, Tx } from '../database.ts';

const VERIFIED_COLUMN: Record<ReporterVerification, string> = {
  EMAIL: 'email_verified_at',
  SMS: 'phone_verified_at',
  ID_CARD: 'id_card_verified_at',
  OAUTH: 'oauth_verified_at',
};

export class KnownPartiesRepository {
  constructor(private readonly prisma: ReportPrisma) {}

  async userExists(id: string): Promise<boolean> {
    return (await this.prisma.knownUser.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  async product(id: string): Promise<{ id: string; sellerId: string } | null> {
    return this.prisma.knownProduct.findUnique({ where: { id }, select: { id: true, sellerId: true } });
  }

  async trade(id: string): Promise<{ id: string; productId: string; buyerId: string; sellerId: string } | null> {
    return this.prisma.knownTrade.findUnique({ where: { id }, select: { id: true, productId: true, buyerId: true, sellerId: true } });
  }

  /**
   * What a report by `reporterId` against `targetId` weighs on, as this copy knows it now. A user
   * first seen in a product or trade event counts from then (younger than they are: never heavier).
   * The seam for chat: when conversations exist, a copy of them sets `conversedWithTarget` here.
   */
  async reporterTrust(reporterId: string, targetId: string, now: Date): Promise<ReporterTrust> {
    const [reporter, trade] = await Promise.all([
      this.prisma.knownUser.findUnique({
        where: { id: reporterId },
        select: { registeredAt: true, emailVerifiedAt: true, phoneVerifiedAt: true, idCardVerifiedAt: true, oauthVerifiedAt: true, phoneChangedAt: true },
      }),
      this.prisma.knownTrade.findFirst({
        where: { acceptedAt: { not: null }, OR: [{ buyerId: reporterId, sellerId: targetId }, { buyerId: targetId, sellerId: reporterId }] },
        select: { id: true },
      }),
    ]);
    const verifiedMethods: ReporterVerification[] = [];
    if (reporter?.emailVerifiedAt) verifiedMethods.push('EMAIL');
    if (reporter?.phoneVerifiedAt && (!reporter.phoneChangedAt || reporter.phoneChangedAt < reporter.phoneVerifiedAt)) verifiedMethods.push('SMS');
    if (reporter?.idCardVerifiedAt) verifiedMethods.push('ID_CARD');
    if (reporter?.oauthVerifiedAt) verifiedMethods.push('OAUTH');
    const accountAgeDays = reporter ? Math.max(0, Math.floor((now.getTime() - reporter.registeredAt.getTime()) / DAY_MS)) : 0;
    return { verifiedMethods, accountAgeDays, tradedWithTarget: trade !== null, conversedWithTarget: false };
  }

  /** Registration (or first sight): the earliest time seen wins. */
  async userRegistered(tx: Tx, id: string, registeredAt: Date): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO known_users (id, registered_at) VALUES (${id}::uuid, ${registeredAt.toISOString()}::timestamp)
      ON CONFLICT (id) DO UPDATE SET registered_at = LEAST(known_users.registered_at, EXCLUDED.registered_at)`;
  }

  async verified(tx: Tx, id: string, method: ReporterVerification, at: Date): Promise<void> {
    const column = VERIFIED_COLUMN[method];
    await tx.$executeRawUnsafe(
      `INSERT INTO known_users (id, registered_at, ${column}) VALUES ($1::uuid, $2::timestamp, $2::timestamp)
       ON CONFLICT (id) DO UPDATE SET ${column} = GREATEST(COALESCE(known_users.${column}, EXCLUDED.${column}), EXCLUDED.${column})`,
      id,
      at.toISOString(),
    );
  }

  /** A new (or removed) phone number: an SMS verification older than this no longer counts. */
  async phoneChanged(tx: Tx, id: string, at: Date): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO known_users (id, registered_at, phone_changed_at) VALUES (${id}::uuid, ${at.toISOString()}::timestamp, ${at.toISOString()}::timestamp)
      ON CONFLICT (id) DO UPDATE SET phone_changed_at = GREATEST(COALESCE(known_users.phone_changed_at, EXCLUDED.phone_changed_at), EXCLUDED.phone_changed_at)`;
  }

  async productCreated(tx: Tx, id: string, sellerId: string): Promise<void> {
    await tx.knownProduct.upsert({ where: { id }, create: { id, sellerId }, update: {}, select: { id: true } });
  }

  async tradeRequested(tx: Tx, trade: { id: string; productId: string; buyerId: string; sellerId: string }): Promise<void> {
    await tx.knownTrade.upsert({ where: { id: trade.id }, create: trade, update: {}, select: { id: true } });
  }

  /** The target accepted the trade (or it went on from there), possibly before its request arrived here. */
  async tradeAccepted(tx: Tx, trade: { id: string; productId: string; buyerId: string; sellerId: string }, at: Date): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO known_trades (id, product_id, buyer_id, seller_id, accepted_at)
      VALUES (${trade.id}::uuid, ${trade.productId}::uuid, ${trade.buyerId}::uuid, ${trade.sellerId}::uuid, ${at.toISOString()}::timestamp)
      ON CONFLICT (id) DO UPDATE SET accepted_at = LEAST(COALESCE(known_trades.accepted_at, EXCLUDED.accepted_at), EXCLUDED.accepted_at)`;
  }
}
