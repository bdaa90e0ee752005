// What chat consumes, and why (it never reads another service's tables):
// - product.created / product.status_changed: who sells a listing and whether a conversation
//   about it may still start (hidden and sold listings may not);
// - user.status_changed: a BANNED or SUSPENDED member cannot send;
// - user.verification_requirement_changed: while REQUIRE_VERIFICATION is in force a member neither
//   sends nor starts conversations;
// - user.profile_updated: a protected seller's minimum grade and whether it guards chats;
// - safety.score_changed: members' grades (protected sellers; the counterpart's safety notice);
// - monitor.action_taken: RESTRICT_ACCOUNT stops a member from sending, HOLD_TRANSACTIONS and
//   WARN_COUNTERPARTS put a notice above their conversations, until CLEAR (or expiresAt), or until
//   monitor.action_ended lifts that one action (it expired with the signal);
// - report.filed / monitor.alert_raised: which pairs of members an ADMIN may read the chats of;
// - report.identifiers_confirmed: accounts and phones in accepted fraud reports (hashed), which
//   screening masks in messages (KNOWN_FRAUD_IDENTIFIER).
// Copies are written in the consumer's transaction, together with the processed-event record, so a
// redelivered event is skipped; each copy also keeps the time or version it was set at, so events
// arriving out of order never move it back. That makes the members' copies and the ADMIN read links
// safe to write in batches (inBatches): events in flight together share one transaction (issue 18:
// the monitor's actions coming back after screened sends held chat's pool connections while sends
// waited). A batch writes member by member (sorted), so two batches never lock rows in opposite orders.
import { inBatches, onlyWhen, type AfterCommitHooks, type EventEnvelope, type EventHandlers } from '@anshim/platform';
import type { EventType } from '@anshim/contracts';
import type { AdminReadLinks } from '../conversations/admin-read-links.ts';
import type { CopyRepository } from '../copies/copy-repository.ts';
import type { KnownFraudRepository } from '../copies/known-fraud-repository.ts';
import type { MemberCopyRepository } from '../copies/member-copy-repository.ts';
import type { Tx } from '../database.ts';

/** The monitor's actions chat applies to a member's copy (CLEAR lifts them). */
const MEMBER_ACTIONS: ReadonlySet<string> = new Set(['RESTRICT_ACCOUNT', 'HOLD_TRANSACTIONS', 'WARN_COUNTERPARTS']);

export interface ChatConsumerDeps {
  copies: CopyRepository;
  members: MemberCopyRepository;
  links: AdminReadLinks;
  knownFraud: KnownFraudRepository;
}

/** A handler run on a batch of its events member by member (by `memberOf`, stable: one member's events stay in arrival order). */
function byMember<T extends EventType>(memberOf: (event: EventEnvelope<T>) => string, handler: (event: EventEnvelope<T>, tx: Tx) => Promise<void>) {
  return inBatches<T, Tx>({
    batch: async (events, tx) => {
      const sorted = [...events].sort((a, b) => (memberOf(a) < memberOf(b) ? -1 : memberOf(a) > memberOf(b) ? 1 : 0));
      for (const event of sorted) await handler(event, tx);
    },
  });
}

export function chatHandlers(deps: ChatConsumerDeps, _hooks: AfterCommitHooks<Tx>): EventHandlers<'chat', Tx> {
  const { copies, members, links, knownFraud } = deps;
  return {
    'product.created': async (event, tx) => {
      const { productId, sellerId, createdAt } = event.data;
      await copies.productCreated(tx, { productId, sellerId, at: new Date(createdAt) });
    },
    'product.status_changed': async (event, tx) => {
      const { productId, sellerId, status, at } = event.data;
      await copies.productStatusChanged(tx, { productId, sellerId, status, at: new Date(at) });
    },
    'user.status_changed': byMember((event) => event.data.userId, async (event, tx) => {
      const { userId, status, until } = event.data;
      await copies.statusChanged(tx, { userId, status, until: until ? new Date(until) : null, at: new Date(event.occurredAt) });
    }),
    'user.verification_requirement_changed': byMember((event) => event.data.userId, async (event, tx) => {
      const { userId, required, missing, at } = event.data;
      await members.verificationChanged(tx, { userId, required, missing, at: new Date(at) });
    }),
    'user.profile_updated': byMember((event) => event.data.userId, async (event, tx) => {
      const { userId, protectedMode, minCounterpartGrade, protectChats } = event.data;
      // The event carries no time of its own: the user service's occurredAt orders the updates.
      await members.profileUpdated(tx, { userId, protectedMode, minCounterpartGrade: minCounterpartGrade ?? null, protectChats: protectChats ?? false, at: new Date(event.occurredAt) });
    }),
    'safety.score_changed': byMember((event) => event.data.userId, async (event, tx) => {
      const { userId, grade, version } = event.data;
      await members.gradeChanged(tx, { userId, grade, version });
    }),
    // REQUIRE_VERIFICATION reaches chat as user.verification_requirement_changed (the user service knows what is missing).
    'monitor.action_taken': onlyWhen(({ data }) => data.action === 'CLEAR' || MEMBER_ACTIONS.has(data.action), byMember((event) => event.data.userId, async (event, tx) => {
      const { userId, action, takenAt, expiresAt } = event.data;
      const at = new Date(takenAt);
      const until = expiresAt ? new Date(expiresAt) : null;
      // CLEAR lifts every action the monitor took on the member.
      const clear = action === 'CLEAR';
      if (clear || action === 'RESTRICT_ACCOUNT') await copies.restrictionChanged(tx, { userId, restricted: !clear, at });
      if (clear || action === 'HOLD_TRANSACTIONS') await members.holdChanged(tx, { userId, active: !clear, until, at });
      if (clear || action === 'WARN_COUNTERPARTS') await members.warningChanged(tx, { userId, active: !clear, until, at });
    })),
    'monitor.action_ended': onlyWhen(({ data }) => MEMBER_ACTIONS.has(data.action), byMember((event) => event.data.userId, async (event, tx) => {
      // One action expired with nothing else keeping it on the member: lift just that one.
      const { userId, action, endedAt } = event.data;
      const at = new Date(endedAt);
      if (action === 'RESTRICT_ACCOUNT') await copies.restrictionChanged(tx, { userId, restricted: false, at });
      if (action === 'HOLD_TRANSACTIONS') await members.holdChanged(tx, { userId, active: false, until: null, at });
      if (action === 'WARN_COUNTERPARTS') await members.warningChanged(tx, { userId, active: false, until: null, at });
    })),
    'report.filed': async (event, tx) => {
      const { reportId, reporterId, targetUserId, productId, filedAt } = event.data;
      await links.reportFiled(tx, { reportId, reporterId, targetUserId, productId, at: new Date(filedAt) });
    },
    'monitor.alert_raised': byMember((event) => event.data.subjectUserId, async (event, tx) => {
      const { alertId, subjectUserId, recipientIds, createdAt } = event.data;
      await links.alertRaised(tx, { alertId, subjectUserId, recipientIds, at: new Date(createdAt) });
    }),
    'report.identifiers_confirmed': async (event, tx) => {
      await knownFraud.confirmed(tx, event.data.identifiers, new Date(event.data.confirmedAt));
    },
  };
}
