// Which guardians approve a member's payments, read from their owner (the user service) when a
// payment that may need approval starts: the member may have asked a guardian a moment ago, and a
// safety setting must never lag (as transaction reads protection at startTransaction). Asked only
// when the amount or the seller's grade calls for approval, so small payments cost no read. Fails
// closed: a payment that may need approval does not start while the owner cannot answer.
import { TemporarilyUnavailableError, type InternalReader, type Logger } from '@anshim/platform';
import { USER_FACTS_ROUTE, type UserFactsAnswer } from '@anshim/contracts';
import { messages } from '../messages.ts';

export class UserOwner {
  constructor(
    private readonly reader: InternalReader,
    private readonly logger: Logger,
  ) {}

  /** The member's confirmed guardians who approve payments (oldest first); [] when none. */
  async paymentApproversOf(userId: string): Promise<string[]> {
    let answer: UserFactsAnswer;
    try {
      answer = await this.reader.read<UserFactsAnswer>(USER_FACTS_ROUTE, { userIds: [userId] });
    } catch (error) {
      this.logger.warn({ err: error }, 'user service could not answer user-facts; payment refused (fail closed)');
      throw new TemporarilyUnavailableError(messages.guardianCheckUnavailable, { reason: 'USER_SERVICE_UNAVAILABLE' });
    }
    return answer.users.find((facts) => facts.userId === userId)?.paymentApprovingGuardianIds ?? [];
  }
}
