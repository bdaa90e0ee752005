// The facts an activity's rules need: the copies of the two users (or the batch's), the payment
// identifiers' count in the fraud registry, the sliding windows, the listing's category median and
// the behaviour windows. Read side by side where independent: an alert's createdAt is already set.
import { randomUUID } from 'node:crypto';
import { extractPaymentIdentifiers, paymentIdentifierHash } from '@anshim/contracts';
import type { FieldCipher } from '@anshim/platform';
import type { KnownRepository, KnownUserRecord } from '../copies/known-repository.ts';
import type { Tx } from '../database.ts';
import type { AccountStatus } from '../model.ts';
import { LISTING_BURST_WINDOW_SECONDS, SHARED_DEVICE_WINDOW_SECONDS, type ActivityFacts, type RuleFacts } from '../rules/index.ts';
import type { BehaviourWindows } from './behaviour-windows.ts';
import type { SlidingWindows } from './sliding-windows.ts';

/** What the reads need (the assessment's own dependencies, by name). */
export interface FactSources {
  known: KnownRepository;
  windows: SlidingWindows;
  behaviour: BehaviourWindows;
  allowedDomains: readonly string[];
  cipher: Pick<FieldCipher, 'lookupHash'>;
}

export async function gatherFacts(
  deps: FactSources,
  activity: ActivityFacts,
  extra: Partial<RuleFacts>,
  tx?: Tx,
  read?: ReadonlyMap<string, KnownUserRecord>,
): Promise<RuleFacts & { subjectStatus: AccountStatus }> {
  const { known, windows } = deps;
  const ids = [activity.userId, ...(activity.counterpartId ? [activity.counterpartId] : [])];
  const fraudIdentifiers = (activity.type === 'CHAT_MESSAGE' || activity.type === 'PAYMENT_REQUEST') && activity.text && extra.knownFraudIdentifiers === undefined;
  // Two independent reads side by side (the count reads the registry copy outside any
  // transaction): the identifiers' count does not wait for the copies of the two users.
  const [users, knownFraudIdentifiers] = await Promise.all([
    read && ids.every((id) => read.has(id)) ? read : known.users(ids, tx).then((rows) => new Map(rows.map((u) => [u.id, u]))),
    fraudIdentifiers ? known.countKnownFraudIdentifiers(extractPaymentIdentifiers(activity.text!).map((identifier) => paymentIdentifierHash(deps.cipher, identifier))) : undefined,
  ]);
  const subject = users.get(activity.userId);
  const counterpart = activity.counterpartId ? users.get(activity.counterpartId) : undefined;
  const facts: RuleFacts & { subjectStatus: AccountStatus } = {
    activity,
    subjectStatus: subject?.accountStatus ?? 'ACTIVE',
    subjectRegisteredAt: subject?.registeredAt ?? null,
    subjectGrade: subject?.safetyGrade ?? null,
    counterpart: counterpart ? { protectedMode: counterpart.protectedMode, minCounterpartGrade: counterpart.minCounterpartGrade } : null,
    allowedDomains: deps.allowedDomains,
    ...extra,
  };
  const listing = activity.type === 'LISTING_CREATED' || activity.type === 'PRICE_CHANGED';
  if (activity.type === 'LISTING_CREATED') {
    facts.listingsInWindow = await windows.addAndCount('listings', activity.userId, activity.productId ?? randomUUID(), LISTING_BURST_WINDOW_SECONDS, activity.at);
  }
  if (activity.deviceId) {
    facts.accountsOnDevice = await windows.addAndCount('device', activity.deviceId, activity.userId, SHARED_DEVICE_WINDOW_SECONDS, activity.at);
  }
  if (knownFraudIdentifiers !== undefined) facts.knownFraudIdentifiers = knownFraudIdentifiers;
  if (listing && facts.categoryMedianPrice === undefined && activity.productId) {
    const product = await known.product(activity.productId, tx);
    facts.categoryMedianPrice = product ? await known.categoryMedian(product.category, activity.productId, tx) : null;
  }
  facts.behaviour ??= await deps.behaviour.listingFacts(activity, facts);
  return facts;
}
