// Reports: filing, the review workflow, sanctions and who may see what. Rules and authorization
// live here; resolvers only translate, repositories only store. The payment identifiers a report
// names are the fraud registry's (registry/registry-service.ts).
import {
  BadInputError,
  badInputFromIssues,
  charLength,
  ConflictError,
  ForbiddenError,
  isUuid,
  NotFoundError,
  RateLimitedError,
  requireAdmin,
  requireIdentity,
  type Redis,
} from '@anshim/platform';
import { REPORT_WEIGHTING, reporterWeight } from '@anshim/contracts';
import type { KnownPartiesRepository } from '../copies/known-parties-repository.ts';
import type { ReadThroughParties } from '../copies/read-through-parties.ts';
import { transaction, type ReportPrisma } from '../database.ts';
import type { EvidenceService } from '../evidence/evidence-service.ts';
import { messages } from '../messages.ts';
import { REPORT_TYPES, type ReportDecision, type ReportStatus, type ReportType, type SanctionType } from '../model.ts';
import type { ReportEvents } from '../outbound/report-events.ts';
import type { PaymentIdentifierInput, RegistryService } from '../registry/registry-service.ts';
import type { RequestScope } from '../scope.ts';
import { priorityOf } from './priority.ts';
import type { ReportCounters } from './report-counters.ts';
import type { ReportRecord, ReportRepository, SanctionRecord } from './report-repository.ts';
import { maySee, viewerOf } from './report-visibility.ts';
import * as workflow from './workflow.ts';

const DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_PAGE = 100;

export interface FileReportInput {
  targetUserId: string;
  type: ReportType;
  description: string;
  productId?: string | null;
  transactionId?: string | null;
  evidenceKeys?: readonly string[] | null;
  paymentIdentifiers?: readonly PaymentIdentifierInput[] | null;
}

export interface ProcessReportInput {
  decision: ReportDecision;
  resolution: string;
  publicReason?: string | null;
  sanction?: SanctionType | null;
  sanctionDays?: number | null;
}

export interface ReportServiceDeps {
  prisma: ReportPrisma;
  reports: ReportRepository;
  known: KnownPartiesRepository;
  /** The same copies, asking the owner about what they do not know yet (read-your-writes). */
  parties: ReadThroughParties;
  evidence: EvidenceService;
  events: ReportEvents;
  /** The fraud-account registry: stores the payment identifiers a report names. */
  registry: RegistryService;
  redis: Redis;
  rateLimit: { max: number; windowSeconds: number };
  /** After a commit that recorded events: publish them now. */
  afterCommit: () => void;
  /** Reports filed and decided, counted after commit (report-counters.ts). */
  counters: ReportCounters;
  /** After a sanction was committed: schedule the end of a suspension. */
  scheduleSanctionEnd: (sanction: SanctionRecord) => Promise<void>;
}

const idOf = (value: string | null | undefined): string | null => (isUuid(value) ? value : null);

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  async file(scope: RequestScope, input: FileReportInput): Promise<ReportRecord> {
    const me = requireIdentity(scope);
    const description = input.description.trim();
    const problems: Array<{ path: PropertyKey[]; message: string }> = [];
    if (!REPORT_TYPES.includes(input.type)) problems.push({ path: ['type'], message: 'unknown type' });
    if (charLength(description) < 10) problems.push({ path: ['description'], message: messages.descriptionTooShort[scope.locale] });
    if (charLength(description) > 2000) problems.push({ path: ['description'], message: messages.descriptionTooLong[scope.locale] });
    if (problems.length) {
      const first = charLength(description) < 10 ? messages.descriptionTooShort : charLength(description) > 2000 ? messages.descriptionTooLong : messages.invalidInput;
      throw badInputFromIssues(first, problems);
    }
    if (input.targetUserId === me.userId) throw new BadInputError(messages.selfReport, { fields: [{ field: 'targetUserId', reason: 'self' }] });
    const identifiers = this.deps.registry.toStore(input.paymentIdentifiers ?? []);

    await this.checkRateLimit(me.userId);
    // A suspended or banned person cannot act, filing reports included (e.g. retaliation).
    const own = (await this.deps.reports.sanctionsOf([me.userId])).find((sanction) => sanction.type !== 'WARNING' && workflow.isActive(sanction, new Date()));
    if (own) throw new ForbiddenError(messages.sanctioned(own.endsAt), { sanction: own.type, until: own.endsAt?.toISOString() ?? null });

    const targetId = idOf(input.targetUserId);
    if (!targetId || !(await this.deps.parties.existingUsers([targetId])).has(targetId)) throw new NotFoundError(messages.userNotFound, { field: 'targetUserId' });
    let productId: string | null = null;
    if (input.productId) {
      const product = idOf(input.productId) ? await this.deps.parties.product(input.productId) : null;
      if (!product) throw new NotFoundError(messages.productNotFound, { field: 'productId' });
      if (product.sellerId !== targetId) throw new BadInputError(messages.productOfSomeoneElse, { fields: [{ field: 'productId', reason: 'notTargets' }] });
      productId = product.id;
    }
    let transactionId: string | null = null;
    if (input.transactionId) {
      const trade = idOf(input.transactionId) ? await this.deps.parties.trade(input.transactionId) : null;
      if (!trade) throw new NotFoundError(messages.transactionNotFound, { field: 'transactionId' });
      const parties = new Set([trade.buyerId, trade.sellerId]);
      if (!parties.has(me.userId) || !parties.has(targetId)) {
        throw new BadInputError(messages.transactionNotBetween, { fields: [{ field: 'transactionId', reason: 'notBetween' }] });
      }
      if (productId && trade.productId !== productId) {
        throw new BadInputError(messages.productOfSomeoneElse, { fields: [{ field: 'productId', reason: 'notTradesProduct' }] });
      }
      transactionId = trade.id;
    }
    const evidence = await this.deps.evidence.verify(me.userId, input.evidenceKeys ?? []);
    const priority = priorityOf(input.type, description);

    const now = new Date();
    // Taken once, now, from this service's copies: what the report weighs everywhere it is counted.
    const reporterTrust = await this.deps.known.reporterTrust(me.userId, targetId, now);
    const report = await transaction(this.deps.prisma, async (tx) => {
      if (await this.deps.reports.recentDuplicate(tx, me.userId, targetId, input.type, new Date(now.getTime() - DUPLICATE_WINDOW_MS))) {
        throw new ConflictError(messages.duplicateReport, { reason: 'duplicateWithin24h' });
      }
      const taken = await this.deps.reports.evidenceKeysTaken(tx, evidence.map((e) => e.key));
      if (taken.length) throw new BadInputError(messages.evidenceAlreadyUsed, { fields: [{ field: 'evidenceKeys', reason: 'alreadyAttached' }], keys: taken });
      const created = await this.deps.reports.create(tx, {
        reporterId: me.userId,
        targetUserId: targetId,
        type: input.type,
        priority,
        description,
        productId,
        transactionId,
        evidence,
        reporterTrust,
      });
      await this.deps.registry.record(tx, created.id, identifiers);
      await this.deps.events.filed(tx, created);
      return created;
    });
    this.deps.afterCommit();
    this.deps.counters.filed(report.type);
    await this.deps.evidence.attached(me.userId, evidence.map((e) => e.key));
    await this.countFiled(me.userId);
    scope.loaders.report.prime(report.id, report);
    return report;
  }

  async startReview(scope: RequestScope, id: string): Promise<ReportRecord> {
    const admin = requireAdmin(scope);
    const updated = await transaction(this.deps.prisma, async (tx) => {
      const current = idOf(id) ? await this.deps.reports.lock(tx, id) : null;
      if (!current) throw new NotFoundError(messages.reportNotFound);
      const step = workflow.startReview(current.status);
      if (!step.ok) throw new ConflictError(step.reason === 'closed' ? messages.reportClosed : messages.alreadyInReview, { status: current.status });
      await this.deps.reports.setStatus(tx, id, { status: step.to, reviewerId: admin.userId });
      await this.deps.reports.audit(tx, {
        actorId: admin.userId,
        action: 'report.review_started',
        subjectId: id,
        before: { status: current.status },
        after: { status: step.to },
        requestId: scope.requestId,
      });
      return (await this.deps.reports.findById(id, tx))!;
    });
    scope.loaders.report.clear(id).prime(id, updated);
    return updated;
  }

  async process(scope: RequestScope, id: string, input: ProcessReportInput): Promise<ReportRecord> {
    const admin = requireAdmin(scope);
    const resolution = input.resolution.trim();
    if (!resolution) throw new BadInputError(messages.resolutionRequired, { fields: [{ field: 'resolution', reason: 'required' }] });
    if (charLength(resolution) > 2000) throw new BadInputError(messages.resolutionTooLong, { fields: [{ field: 'resolution', reason: 'tooLong' }] });
    const sanctionType = input.sanction ?? null;
    const days = input.sanctionDays ?? null;
    const publicReason = workflow.publicReason(input.publicReason, sanctionType);
    if (!publicReason.ok) throw new BadInputError(messages.publicReasonRefused[publicReason.reason], { fields: [{ field: 'publicReason', reason: publicReason.reason }] });
    if (sanctionType && input.decision !== 'ACCEPT') {
      throw new BadInputError(messages.sanctionOnlyWhenAccepted, { fields: [{ field: 'sanction', reason: 'onlyWhenAccepted' }] });
    }
    if (sanctionType === 'SUSPENSION' && (days === null || !Number.isInteger(days) || days < 1 || days > 365)) {
      throw new BadInputError(messages.sanctionDaysRequired, { fields: [{ field: 'sanctionDays', reason: days === null ? 'required' : 'outOfRange' }] });
    }
    if (days !== null && sanctionType !== 'SUSPENSION') {
      throw new BadInputError(messages.sanctionDaysOnlyForSuspension, { fields: [{ field: 'sanctionDays', reason: 'onlyForSuspension' }] });
    }

    const now = new Date();
    const { report, sanction } = await transaction(this.deps.prisma, async (tx) => {
      const current = idOf(id) ? await this.deps.reports.lock(tx, id) : null;
      if (!current) throw new NotFoundError(messages.reportNotFound);
      const step = workflow.decide(current.status, input.decision);
      if (!step.ok) throw new ConflictError(messages.reportClosed, { status: current.status });
      await this.deps.reports.setStatus(tx, id, { status: step.to, reviewerId: admin.userId, resolution, processedAt: now });
      let sanction: SanctionRecord | null = null;
      if (sanctionType) {
        const plan = workflow.planSanction(sanctionType, days, now);
        sanction = await this.deps.reports.createSanction(tx, { reportId: id, userId: current.targetUserId, reason: resolution, publicReason: publicReason.value, ...plan });
      }
      await this.deps.reports.audit(tx, {
        actorId: admin.userId,
        action: 'report.processed',
        subjectId: id,
        before: { status: current.status },
        after: {
          status: step.to,
          decision: input.decision,
          resolution,
          sanction: sanction && { type: sanction.type, publicReason: sanction.publicReason, startsAt: sanction.startsAt.toISOString(), endsAt: sanction.endsAt?.toISOString() ?? null },
        },
        requestId: scope.requestId,
      });
      await this.deps.events.processed(tx, current, input.decision, sanction, now);
      if (input.decision === 'ACCEPT') {
        await this.deps.events.identifiersConfirmed(tx, current, await this.deps.registry.namedBy(tx, id), now);
      }
      if (sanction) await this.deps.events.sanctionApplied(tx, sanction, admin.userId);
      return { report: (await this.deps.reports.findById(id, tx))!, sanction };
    });
    this.deps.afterCommit();
    this.deps.counters.decided(report.type, input.decision);
    if (sanction) await this.deps.scheduleSanctionEnd(sanction);
    scope.loaders.report.clear(id).prime(id, report);
    return report;
  }

  /** The reporter, the reported user or an ADMIN; anyone else (and unknown ids) gets null. */
  async byId(scope: RequestScope, id: string): Promise<ReportRecord | null> {
    const me = requireIdentity(scope);
    if (!idOf(id)) return null;
    const report = await scope.loaders.report.load(id);
    if (!report) return null;
    return maySee(me, report) ? report : null;
  }

  /** For _entities: the same rule as `report(id)`, without failing anonymous references. */
  async reference(scope: RequestScope, id: string): Promise<ReportRecord | null> {
    if (!scope.identity || !idOf(id)) return null;
    const report = await scope.loaders.report.load(id);
    return report && maySee(scope.identity, report) ? report : null;
  }

  async mine(scope: RequestScope): Promise<ReportRecord[]> {
    const me = requireIdentity(scope);
    const rows = await this.deps.reports.byReporter(me.userId, MAX_PAGE);
    for (const row of rows) scope.loaders.report.prime(row.id, row);
    return rows;
  }

  /**
   * ADMIN or the user themself; anyone else gets an empty list. Batched per request. The user
   * themself does not see a pending report that weighs too little to count anywhere (a throwaway
   * account's): being reported by one must tell them nothing (docs/security/report-weighting.md).
   */
  async against(scope: RequestScope, userId: string): Promise<ReportRecord[]> {
    const me = scope.identity;
    if (!me || (me.role !== 'ADMIN' && me.userId !== userId)) return [];
    const reports = await scope.loaders.reportsAgainst.load(userId);
    if (me.role === 'ADMIN') return reports;
    return reports.filter((report) => workflow.isClosed(report.status) || reporterWeight(report.reporterTrust) >= REPORT_WEIGHTING.credibleFrom);
  }

  /** The strongest sanction in force; public, so others can see that someone is suspended or banned. */
  async activeSanction(scope: RequestScope, userId: string, now = new Date()): Promise<SanctionRecord | null> {
    const sanctions = await scope.loaders.sanctionsOf.load(userId);
    const active = sanctions.filter((s) => workflow.isActive(s, now));
    active.sort((a, b) => workflow.severity(b.type) - workflow.severity(a.type) || b.startsAt.getTime() - a.startsAt.getTime());
    return active[0] ?? null;
  }

  /** The reporter is never shown to the reported user (nor to anyone but the reporter and ADMINs). */
  reporterOf(scope: RequestScope, report: ReportRecord): { id: string } {
    const viewer = viewerOf(scope.identity, report);
    if (viewer !== 'ADMIN' && viewer !== 'REPORTER') throw new ForbiddenError(messages.reporterHidden);
    return { id: report.reporterId };
  }

  /** Evidence URLs only for the reporter and ADMINs; an empty list for anyone else. */
  async evidenceOf(scope: RequestScope, report: ReportRecord): Promise<Array<{ key: string; url: string; contentType: string; size: number }>> {
    const viewer = viewerOf(scope.identity, report);
    if (viewer !== 'ADMIN' && viewer !== 'REPORTER') return [];
    return Promise.all(
      report.evidence.map(async (e) => ({ key: e.key, url: await this.deps.evidence.urlFor(e.key), contentType: e.contentType, size: e.size })),
    );
  }

  private rateKey(userId: string): string {
    return `report:rate:${userId}`;
  }

  private async checkRateLimit(userId: string): Promise<void> {
    const key = this.rateKey(userId);
    const [count, ttl] = await Promise.all([this.deps.redis.get(key), this.deps.redis.ttl(key)]);
    if (Number(count ?? 0) >= this.deps.rateLimit.max) {
      const retryAfter = ttl > 0 ? ttl : this.deps.rateLimit.windowSeconds;
      throw new RateLimitedError(messages.tooManyReports(retryAfter), retryAfter);
    }
  }

  /** Counts a filed report in the reporter's window (fixed window, started by the first report). */
  private async countFiled(userId: string): Promise<void> {
    const key = this.rateKey(userId);
    const count = await this.deps.redis.incr(key);
    if (count === 1) await this.deps.redis.expire(key, this.deps.rateLimit.windowSeconds);
  }
}
