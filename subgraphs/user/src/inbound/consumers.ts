// What the user service consumes: sanctions decided in the report service, and what guardians
// are told about (guardian-notifications.ts: alerts, risky trades, accepted reports; guardian-approval-requests.ts:
// payments waiting for a guardian's code; plus the
// copies it needs of counterparts' grades and trade pairs, copies/counterpart-repository.ts).
// - report.sanction_applied: SUSPENSION → status SUSPENDED until endsAt; BAN → BANNED; WARNING
//   changes nothing here. The person's sessions are revoked, the change is audited and
//   user.status_changed is published, like an admin's setUserStatus.
// - report.sanction_ended: the suspension's delayed job ran; the account is ACTIVE again unless
//   something stronger or longer (a ban, a later suspension) is in force.
// - monitor.action_taken REQUIRE_VERIFICATION / CLEAR, monitor.action_ended REQUIRE_VERIFICATION (it
//   expired with the signal, lifted like a CLEAR): this service decides when the requirement
//   is in force and publishes user.verification_requirement_changed (verification-requirements.ts).
// Each handler runs in the consumer's transaction together with the processed-event record, so
// a redelivered event changes nothing (applyStatusChange, as UserService.setStatus uses it). The relay is nudged after each commit,
// and the outbound sender after a commit that queued messages (delivery/outbound-messages.ts).
import { AfterCommitHooks, EventConsumer, onlyWhen, type EventHandlers, type Logger, type RedisSettings, type TransactionalSqlClient } from '@anshim/platform';
import type { AuditRepository } from '../audit/audit-repository.ts';
import type { SessionRepository } from '../auth/session-repository.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import type { CounterpartRepository } from '../copies/counterpart-repository.ts';
import type { Tx, UserPrisma } from '../database.ts';
import { OutboundMessages } from '../delivery/outbound-messages.ts';
import type { OutboundRepository } from '../delivery/outbound-repository.ts';
import type { GuardianRepository } from '../guardians/guardian-repository.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import { applyStatusChange } from '../users/status-change.ts';
import type { VerificationRequirements } from '../verification/verification-requirements.ts';
import type { UserRepository } from '../users/user-repository.ts';
import { guardianApprovalHandlers } from './guardian-approval-requests.ts';
import { guardianEventHandlers } from './guardian-notifications.ts';

export interface UserConsumerDeps {
  prisma: UserPrisma;
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  events: UserEvents;
  revocations: TokenRevocations;
  guardians: GuardianRepository;
  counterparts: CounterpartRepository;
  requirements: VerificationRequirements;
  /** Where guardian SMS are queued, and how the sender is woken once they are committed. */
  outbound: { repository: OutboundRepository; nudge: () => void };
  redis: RedisSettings;
  logger: Logger;
  /** One guardian SMS per (guardian, counterpart) within this many seconds. */
  alertWindowSeconds: number;
  /** Publishes the outbox now (relay.nudge). */
  afterCommit: () => void;
  /** INTERNAL_SECRET: the guardian approval codes are derived from it (guardian-approval-requests.ts). */
  internalSecret: string;
  /** GUARDIAN_APPROVAL_URL. */
  approvalUrl: string;
}

/** How far a suspension's recorded end may differ from the sanction_ended event's (clock skew, rounding). */
const SAME_END_TOLERANCE_MS = 60_000;

export function userEventHandlers(deps: Omit<UserConsumerDeps, 'outbound'> & { outbound: OutboundMessages }): EventHandlers<'user', Tx> {
  return {
    ...guardianEventHandlers(deps),
    ...guardianApprovalHandlers(deps),
    'report.sanction_applied': async (event, tx) => {
      const { userId, sanction, reason, endsAt, reportId, appliedBy } = event.data;
      if (sanction === 'WARNING') return;
      const current = await deps.users.findById(userId, tx);
      if (!current) {
        deps.logger.warn({ userId, reportId }, 'sanction for an unknown user; ignored');
        return;
      }
      const source = `report:${reportId}`;
      const now = new Date();
      if (sanction === 'BAN') {
        if (current.status === 'BANNED') return;
        await applyStatusChange(deps, tx, current, { status: 'BANNED', until: null, reason, actorId: appliedBy ?? null, source, requestId: null }, now);
        return;
      }
      // SUSPENSION: never weakens a ban, never shortens a longer suspension in force.
      const until = endsAt ? new Date(endsAt) : null;
      if (!until || until.getTime() <= now.getTime()) return;
      if (current.status === 'BANNED') return;
      if (current.status === 'SUSPENDED' && current.statusUntil && current.statusUntil.getTime() >= until.getTime()) return;
      await applyStatusChange(deps, tx, current, { status: 'SUSPENDED', until, reason, actorId: appliedBy ?? null, source, requestId: null }, now);
    },
    // The monitor's other actions (warnings, holds, restrictions) are the chat and transaction services' to apply.
    'monitor.action_taken': onlyWhen(({ data }) => data.action === 'REQUIRE_VERIFICATION' || data.action === 'CLEAR', async (event, tx) => {
      const { userId, action, takenAt } = event.data;
      if (action !== 'REQUIRE_VERIFICATION' && action !== 'CLEAR') return;
      const applied = await deps.requirements.onMonitorAction(tx, userId, action, new Date(takenAt), new Date());
      if (!applied) deps.logger.info({ userId, action, takenAt }, 'verification requirement: action for an unknown user or older than the one applied; ignored');
    }),
    'monitor.action_ended': onlyWhen(({ data }) => data.action === 'REQUIRE_VERIFICATION', async (event, tx) => {
      // An automatic REQUIRE_VERIFICATION expired with the signal: lifted like a CLEAR, ordered by when it ended.
      const { userId, action, endedAt } = event.data;
      if (action !== 'REQUIRE_VERIFICATION') return;
      const applied = await deps.requirements.onMonitorAction(tx, userId, 'CLEAR', new Date(endedAt), new Date());
      if (!applied) deps.logger.info({ userId, action, endedAt }, 'verification requirement: end for an unknown user or older than the action applied; ignored');
    }),
    'report.sanction_ended': async (event, tx) => {
      const { userId, sanction, endedAt, reportId } = event.data;
      if (sanction !== 'SUSPENSION') return;
      const current = await deps.users.findById(userId, tx);
      if (!current || current.status !== 'SUSPENDED') return;
      // Only the suspension that ended: a later, longer one stays.
      if (current.statusUntil && current.statusUntil.getTime() > new Date(endedAt).getTime() + SAME_END_TOLERANCE_MS) return;
      await applyStatusChange(deps, tx, current, { status: 'ACTIVE', until: null, reason: 'suspension ended', actorId: null, source: `report:${reportId}`, requestId: null }, new Date());
    },
  };
}

/** The consumer's client: the same transactions, and a relay nudge after each commit. */
function nudgingClient(prisma: UserPrisma, afterCommit: () => void): TransactionalSqlClient<Tx> {
  const client = prisma as unknown as TransactionalSqlClient<Tx>;
  return {
    $executeRawUnsafe: (query, ...values) => client.$executeRawUnsafe(query, ...values),
    $queryRawUnsafe: (query, ...values) => client.$queryRawUnsafe(query, ...values),
    $transaction: async (fn, options) => {
      const result = await client.$transaction(fn, options);
      afterCommit();
      return result;
    },
  };
}

export function createUserConsumer(deps: UserConsumerDeps): EventConsumer<'user', Tx> {
  const hooks = new AfterCommitHooks<Tx>(nudgingClient(deps.prisma, deps.afterCommit), deps.logger);
  const outbound = new OutboundMessages(deps.outbound.repository, (tx, hook) => hooks.schedule(tx, hook), deps.outbound.nudge);
  return new EventConsumer<'user', Tx>({
    service: 'user',
    prisma: hooks.wrapped,
    redis: deps.redis,
    logger: deps.logger,
    handlers: userEventHandlers({ ...deps, outbound }),
  });
}
