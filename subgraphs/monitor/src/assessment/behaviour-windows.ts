// The counts BEHAVIOUR_CHANGE (rules/behaviour-change.ts) reads: per account, the cheap high-value
// listings and the off-app requests of the last BEHAVIOUR_WINDOW_SECONDS, in Redis sliding windows
// keyed by the listing and the message, so a redelivered event never counts twice.
import type { ActivityFacts, RuleFacts } from '../rules/index.ts';
import { BEHAVIOUR_WINDOW_SECONDS, isCheapHighValue, isEstablished, OFF_APP_FINDINGS } from '../rules/index.ts';
import type { SlidingWindows } from './sliding-windows.ts';

type Behaviour = NonNullable<RuleFacts['behaviour']>;

export class BehaviourWindows {
  constructor(private readonly windows: SlidingWindows) {}

  /**
   * chat.message_screened: counts the message when one of its findings asks to pay or talk off the
   * app, and returns the sender's counts with it (for an assessment of that message), else null.
   */
  async offAppRequested(senderId: string, messageId: string, findingCodes: readonly string[], at: Date): Promise<Behaviour | null> {
    if (!findingCodes.some((code) => OFF_APP_FINDINGS.includes(code))) return null;
    const offAppRequests = await this.windows.addAndCount('off-app', senderId, messageId, BEHAVIOUR_WINDOW_SECONDS, at);
    const cheapHighValueListings = await this.windows.count('cheap-listings', senderId, BEHAVIOUR_WINDOW_SECONDS, at);
    return { cheapHighValueListings, offAppRequests, thisActivityCounts: true };
  }

  /**
   * For a listing (created or repriced): counts it when it is cheap for a high-value category. The
   * counts are only read for established accounts, the only ones the rule is about.
   */
  async listingFacts(activity: ActivityFacts, facts: Pick<RuleFacts, 'activity' | 'subjectRegisteredAt' | 'subjectGrade' | 'categoryMedianPrice'>): Promise<Behaviour | undefined> {
    if (activity.type !== 'LISTING_CREATED' && activity.type !== 'PRICE_CHANGED') return undefined;
    if (!activity.productId) return undefined;
    const cheap = isCheapHighValue(activity.amount, facts.categoryMedianPrice);
    const cheapHighValueListings = cheap
      ? await this.windows.addAndCount('cheap-listings', activity.userId, activity.productId, BEHAVIOUR_WINDOW_SECONDS, activity.at)
      : null;
    if (!cheap || !isEstablished(facts)) return undefined;
    const offAppRequests = await this.windows.count('off-app', activity.userId, BEHAVIOUR_WINDOW_SECONDS, activity.at);
    return { cheapHighValueListings: cheapHighValueListings ?? 0, offAppRequests, thisActivityCounts: true };
  }
}
