// Tells confirmed guardians by SMS, in plain Korean, when the user they protect:
// (a) is warned by a HIGH or CRITICAL alert (monitor.alert_raised, the user among recipientIds:
//     someone risky is talking to them);
// (b) starts a trade of at least 300,000 won as the buyer with a seller graded CAUTION or DANGER
//     (transaction.requested, with the seller's grade from our copy of safety.score_changed);
// (c) traded with someone against whom a report was accepted (report.processed, ACCEPT);
// (d) checked in at a trade's meeting spot and did not check out in time (transaction.check_in_overdue),
//     but only while the member is in protected mode (their own setting, read here, where it lives).
// Each runs in the consumer's transaction with the processed-event record. A guardian gets one
// message per cause (`alert:<id>`, `trade:<id>`, `report:<id>`): the notification row is claimed
// and the SMS queued (delivery/outbound-messages.ts, dedupe key `guardian:<id>:<cause>`) in the
// same transaction, so a duplicate event or a retry queues nothing twice; the outbound sender
// sends it after the commit and waits out a provider outage (issue 21). Beyond that, a guardian gets at
// most one SMS per counterpart per day (GUARDIAN_ALERT_WINDOW_SECONDS) whatever the causes: a
// counterpart who sets off alert after alert cannot turn the guardian's phone into a pager; an
// overdue check-in is exempt from that window (someone may be in danger now), not from the claim. Names
// appear only as SMS-safe nicknames (guardians/sms-nickname.ts), otherwise in neutral words.
import type { EventHandlers, Logger } from '@anshim/platform';
import type { CounterpartRepository } from '../copies/counterpart-repository.ts';
import type { Tx } from '../database.ts';
import type { OutboundMessages } from '../delivery/outbound-messages.ts';
import type { GuardianRepository } from '../guardians/guardian-repository.ts';
import { smsSafeNickname } from '../guardians/sms-nickname.ts';
import { guardianTexts } from '../messages.ts';
import type { UserRepository } from '../users/user-repository.ts';

/** Trades from this amount (won) with a CAUTION-or-worse seller are worth a guardian's call. */
export const RISKY_TRADE_MIN_AMOUNT = 300_000;
const RISKY_GRADES = new Set(['CAUTION', 'DANGER']);
/** Someone with many past counterparts should not stall the consumer: cap one fan-out. */
const MAX_PROTECTED_PER_REPORT = 500;

export interface GuardianNotifierDeps {
  users: UserRepository;
  guardians: GuardianRepository;
  /** Our copies of counterparts' grades and of who traded with whom. */
  counterparts: CounterpartRepository;
  /** The durable outbound queue the SMS go into (sent after the commit). */
  outbound: OutboundMessages;
  logger: Logger;
  /** One SMS per (guardian, counterpart) within this many seconds. */
  alertWindowSeconds: number;
}

export function guardianEventHandlers(deps: GuardianNotifierDeps): EventHandlers<'user', Tx> {
  const { users, guardians, counterparts } = deps;

  /**
   * Queues the text `describe` builds once per confirmed guardian of each protected user for this
   * cause, and only to guardians not yet told about this counterpart within the window. `describe`
   * reads what the text names (the counterpart's nickname and grade) only when someone has a
   * guardian: most warned members have none, and their alerts then cost one read here, not three.
   * It answers undefined when there is nothing to say (the counterpart's account is gone).
   */
  async function notify(
    tx: Tx,
    protectedUserIds: string[],
    counterpartId: string,
    causeId: string,
    kind: string,
    describe: () => Promise<((userNickname: string | null) => string) | undefined>,
    { perCounterpartWindow = true } = {},
  ): Promise<number> {
    const list = await guardians.confirmedOf(tx, protectedUserIds);
    if (list.length === 0) return 0;
    const text = await describe();
    if (!text) return 0;
    const nicknames = new Map<string, string | null>();
    let sent = 0;
    for (const guardian of list) {
      if (!(await guardians.claimNotification(tx, guardian.id, causeId, kind))) continue;
      if (!nicknames.has(guardian.userId)) {
        const protectedUser = await users.findById(guardian.userId, tx);
        if (!protectedUser) continue;
        nicknames.set(guardian.userId, smsSafeNickname(protectedUser.nickname));
      }
      if (perCounterpartWindow && !(await guardians.claimCounterpartNotice(tx, guardian.id, counterpartId, deps.alertWindowSeconds))) continue;
      const userNickname = nicknames.get(guardian.userId) ?? null;
      const queued = await deps.outbound.sms(tx, { phoneEncrypted: guardian.phoneEncrypted, text: text(userNickname), kind, dedupeKey: `guardian:${guardian.id}:${causeId}` });
      if (queued) sent += 1;
    }
    if (sent > 0) deps.logger.info({ causeId, kind, queued: sent }, 'guardian SMS queued');
    return sent;
  }

  /** The counterpart as an SMS may name them; undefined when the account does not exist. */
  async function nicknameOf(tx: Tx, userId: string): Promise<string | null | undefined> {
    const user = await users.findById(userId, tx);
    return user ? smsSafeNickname(user.nickname) : undefined;
  }

  return {
    'safety.score_changed': async (event, tx) => {
      await counterparts.saveGrade(tx, event.data.userId, event.data.grade, event.data.version);
    },
    'monitor.alert_raised': async (event, tx) => {
      const { alertId, subjectUserId, recipientIds, level } = event.data;
      if (level !== 'HIGH' && level !== 'CRITICAL') return;
      const warned = recipientIds.filter((id) => id !== subjectUserId);
      if (warned.length === 0) return;
      await notify(tx, warned, subjectUserId, `alert:${alertId}`, 'RISK_ALERT', async () => {
        const counterpartNickname = await nicknameOf(tx, subjectUserId);
        if (counterpartNickname === undefined) return undefined;
        const grade = await counterparts.gradeOf(tx, subjectUserId);
        return (userNickname) => guardianTexts.riskAlert({ userNickname, counterpartNickname, grade, level });
      });
    },
    'transaction.requested': async (event, tx) => {
      const { transactionId, buyerId, sellerId, amount } = event.data;
      await counterparts.saveTradePair(tx, buyerId, sellerId);
      if (amount < RISKY_TRADE_MIN_AMOUNT) return;
      const grade = await counterparts.gradeOf(tx, sellerId);
      if (!grade || !RISKY_GRADES.has(grade)) return;
      await notify(tx, [buyerId], sellerId, `trade:${transactionId}`, 'RISKY_TRADE', async () => {
        const counterpartNickname = await nicknameOf(tx, sellerId);
        return counterpartNickname === undefined ? undefined : (userNickname) => guardianTexts.riskyTrade({ userNickname, counterpartNickname, grade, amount });
      });
    },
    'transaction.check_in_overdue': async (event, tx) => {
      const { checkInId, userId, counterpartId, place, checkedInAt, overdueAfterSeconds } = event.data;
      const member = await users.findById(userId, tx);
      if (!member?.protectedMode) return;
      const describe = async () => {
        const counterpartNickname = (await nicknameOf(tx, counterpartId)) ?? null;
        return (userNickname: string | null) =>
          guardianTexts.checkInOverdue({ userNickname, counterpartNickname, place, checkedInAt: new Date(checkedInAt), overdueAfterSeconds });
      };
      await notify(tx, [userId], counterpartId, `checkin:${checkInId}`, 'CHECK_IN_OVERDUE', describe, { perCounterpartWindow: false });
    },
    'report.processed': async (event, tx) => {
      const { reportId, targetUserId, decision } = event.data;
      if (decision !== 'ACCEPT') return;
      const partners = (await counterparts.tradedWith(tx, targetUserId)).slice(0, MAX_PROTECTED_PER_REPORT);
      if (partners.length === 0) return;
      await notify(tx, partners, targetUserId, `report:${reportId}`, 'REPORT_ACCEPTED', async () => {
        const counterpartNickname = await nicknameOf(tx, targetUserId);
        if (counterpartNickname === undefined) return undefined;
        const grade = await counterparts.gradeOf(tx, targetUserId);
        return (userNickname) => guardianTexts.reportAccepted({ userNickname, counterpartNickname, grade });
      });
    },
  };
}
