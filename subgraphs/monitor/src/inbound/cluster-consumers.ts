// What the monitor consumes for clusters of linked accounts (src/clusters/) and for a behaviour
// change of an established account (rules/behaviour-change.ts). Chained after consumers.ts's
// handlers of the same events (server.ts), in the same transaction, so the copies they write
// (known_users' status) are already there:
// - user.registered (deviceId), user.signed_in (deviceId), user.verified (phoneLookupHash): the
//   account's device or phone; a device or phone of a banned account flags it at once;
// - chat.message_screened (identifierHashes): payment identifiers the sender wrote; its off-app
//   findings count towards BEHAVIOUR_CHANGE;
// - user.status_changed to BANNED, report.sanction_applied (BAN), report.identifiers_confirmed:
//   a member confirmed as fraud, whose cluster is flagged.
import { inBatches, type AfterCommitHooks, type EventEnvelope, type EventHandlers } from '@anshim/platform';
import type { EventType } from '@anshim/contracts';
import type { AssessmentService, FromEvent } from '../assessment/assessment-service.ts';
import type { BehaviourWindows } from '../assessment/behaviour-windows.ts';
import type { ClusterService } from '../clusters/cluster-service.ts';
import type { LinkRepository } from '../clusters/link-repository.ts';
import type { Tx } from '../database.ts';
import { BEHAVIOUR_CHANGE } from '../rules/index.ts';

export interface ClusterConsumerDeps {
  clusters: ClusterService;
  links: LinkRepository;
  behaviour: BehaviourWindows;
  assessment: AssessmentService;
}

export function clusterHandlers(deps: ClusterConsumerDeps, hooks: AfterCommitHooks<Tx>): EventHandlers<'monitor', Tx> {
  const { clusters, links, behaviour, assessment } = deps;
  const from = (event: EventEnvelope<EventType>, tx: Tx): FromEvent => ({ tx, sourceEventId: event.id, defer: (work) => hooks.schedule(tx, work) });
  return {
    'user.registered': async (event, tx) => {
      const { userId, deviceId, createdAt } = event.data;
      if (deviceId) await clusters.accountSeenWith(userId, [clusters.deviceLink(deviceId)], new Date(createdAt), from(event, tx));
    },
    'user.signed_in': async (event, tx) => {
      const { userId, deviceId, at } = event.data;
      if (deviceId) await clusters.accountSeenWith(userId, [clusters.deviceLink(deviceId)], new Date(at), from(event, tx));
    },
    'user.verified': async (event, tx) => {
      const { userId, phoneLookupHash, verifiedAt } = event.data;
      if (phoneLookupHash) await clusters.accountSeenWith(userId, [clusters.phoneLink(phoneLookupHash)], new Date(verifiedAt), from(event, tx));
    },
    // In batches with consumers.ts' handler of it (chained: that one runs on the batch first).
    'chat.message_screened': inBatches(async (event, tx) => {
      const { senderId, recipientId, messageId, findings, identifierHashes, at } = event.data;
      const when = new Date(at);
      await clusters.identifiersWritten(senderId, recipientId, identifierHashes ?? [], when, from(event, tx));
      const counts = await behaviour.offAppRequested(senderId, messageId, findings.map((finding) => finding.code), when);
      if (counts) {
        // No productId: the sender may be the buyer, and a listing shows only its seller's alerts.
        const activity = { type: 'CHAT_MESSAGE' as const, userId: senderId, counterpartId: recipientId, at: when };
        await assessment.assess(activity, { behaviour: counts }, from(event, tx), [BEHAVIOUR_CHANGE]);
      }
    }),
    'user.status_changed': async (event, tx) => {
      const { userId, status } = event.data;
      // consumers.ts applied the change first; a late, older BANNED leaves the account as it is now.
      if (status === 'BANNED' && (await links.isBanned(tx, userId))) await clusters.fraudConfirmed(userId, new Date(event.occurredAt), from(event, tx));
    },
    'report.sanction_applied': async (event, tx) => {
      const { userId, sanction, startsAt } = event.data;
      if (sanction === 'BAN') await clusters.fraudConfirmed(userId, new Date(startsAt), from(event, tx));
    },
    'report.identifiers_confirmed': async (event, tx) => {
      const { targetUserId, identifiers, confirmedAt } = event.data;
      await clusters.identifiersConfirmed(targetUserId, identifiers.map((identifier) => identifier.lookupHash), new Date(confirmedAt), from(event, tx));
    },
  };
}
