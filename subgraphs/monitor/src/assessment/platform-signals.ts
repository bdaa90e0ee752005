// Signals the platform observed itself, never a member's report: sign-ins (the user service, with
// the device id and address the gateway signed), chat messages and what screening found in them
// (the chat service). Each turns into the facts the rules already know: a LOGIN with its device
// id (SHARED_DEVICE), a real contact between the two parties, a CHAT_MESSAGE with the screening
// findings whose alerts go to the message's recipient.
import type { EventData } from '@anshim/contracts';
import type { KnownRepository, KnownUserRecord } from '../copies/known-repository.ts';
import type { TradeRepository } from '../copies/trade-repository.ts';
import { OFF_APP_FINDINGS } from '../rules/index.ts';
import type { AssessmentRecord, AssessmentService, FromEvent } from './assessment-service.ts';

export class PlatformSignals {
  constructor(private readonly deps: { known: KnownRepository; trades: TradeRepository; assessment: AssessmentService }) {}

  /** user.signed_in: a LOGIN from that device (three accounts on one device within a day: SHARED_DEVICE). */
  async signedIn(signIn: EventData<'user.signed_in'>, from: FromEvent): Promise<AssessmentRecord> {
    const at = new Date(signIn.at);
    await this.deps.known.userSeen(from.tx, signIn.userId, at);
    return this.deps.assessment.assess({ type: 'LOGIN', userId: signIn.userId, deviceId: signIn.deviceId, at }, {}, from);
  }

  /**
   * chat.contact_observed: the two parties really dealt with each other (both directions), and the
   * rules about who talks to whom (a protected member and a sender below their minimum grade).
   * Chat announces a party's first message in a conversation and then at most one an hour, so a
   * long conversation costs this a handful of events, and such an alert recurs at most hourly.
   */
  async contactObserved(contact: EventData<'chat.contact_observed'>, from: FromEvent): Promise<AssessmentRecord> {
    const [record] = await this.contactsObserved([{ contact, from }]);
    return record!;
  }

  /**
   * A batch of chat.contact_observed in one transaction (the consumer's, event-batches.ts): every party
   * seen and every contact written in one statement each, the parties' copies read once, then the
   * rules per contact in order. An alert may change a copy (an automatic action): the contacts after
   * it read the copies again.
   */
  async contactsObserved(batch: ReadonlyArray<{ contact: EventData<'chat.contact_observed'>; from: FromEvent }>): Promise<AssessmentRecord[]> {
    if (batch.length === 0) return [];
    const { known, assessment } = this.deps;
    const tx = batch[0]!.from.tx;
    const sent = batch.map(({ contact, from }) => ({ from, senderId: contact.senderId, recipientId: contact.recipientId, at: new Date(contact.sentAt) }));
    await known.usersSeen(tx, sent.flatMap(({ senderId, recipientId, at }) => [{ userId: senderId, at }, { userId: recipientId, at }]));
    await known.contacts(tx, sent.map(({ senderId, recipientId, at }) => ({ userId: senderId, counterpartId: recipientId, at })));
    let users: Map<string, KnownUserRecord> | undefined = new Map((await known.users([...new Set(sent.flatMap((m) => [m.senderId, m.recipientId]))], tx)).map((u) => [u.id, u]));
    const records: AssessmentRecord[] = [];
    for (const { from, senderId, recipientId, at } of sent) {
      const record = await assessment.assess({ type: 'CHAT_MESSAGE', userId: senderId, counterpartId: recipientId, productId: null, at }, {}, { ...from, users });
      if (record.alerts.length > 0) users = undefined;
      records.push(record);
    }
    return records;
  }

  /**
   * chat.message_screened: the findings raise the sender's rules (PAYMENT_IDENTIFIER → an
   * off-platform payment request, KNOWN_FRAUD_IDENTIFIER → a known fraud account, LOOKALIKE_LINK →
   * a phishing link, OFF_APP_CONTACT on its own); the recipient of the message is the one warned.
   * When the message asks to pay or talk off the app and the recipient already started a safe
   * payment with the sender as seller (known_trades), OFF_APP_AFTER_SAFE_PAYMENT says so, and the
   * alert names that trade.
   * The contact itself comes from chat.contact_observed (committed with this event when it was due
   * in chat): writing it here too would make the two handlers wait on each other's row locks, on
   * the path of the alert the recipient is waiting for.
   */
  async messageScreened(screened: EventData<'chat.message_screened'>, from: FromEvent): Promise<AssessmentRecord> {
    const at = new Date(screened.at);
    const codes = screened.findings.map((finding) => finding.code);
    const safePayment = codes.some((code) => OFF_APP_FINDINGS.includes(code))
      ? await this.deps.trades.safePaymentBetween(screened.senderId, screened.recipientId, screened.productId ?? null, at, from.tx)
      : null;
    return this.deps.assessment.assess(
      {
        type: 'CHAT_MESSAGE',
        userId: screened.senderId,
        counterpartId: screened.recipientId,
        productId: screened.productId ?? safePayment?.productId ?? null,
        transactionId: safePayment?.transactionId ?? null,
        at,
      },
      // counterpart: null — chat.contact_observed judges who talks to whom, once.
      { screeningFindings: codes, knownFraudIdentifiers: codes.filter((code) => code === 'KNOWN_FRAUD_IDENTIFIER').length, counterpart: null, safePayment },
      from,
    );
  }
}
