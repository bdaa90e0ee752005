// Whether a member an ADMIN names in recordActivity exists: the known_users copy first, and when
// user.registered has not arrived yet (read-your-writes: an admin looking at a member who signed
// up a moment ago), the owner itself over the signed /internal/user-facts read. What the owner
// says goes into the copy (registration time and protection, as user.registered and
// user.profile_updated would), so the rules judge the member with their real account age. Fails
// closed: while the owner cannot answer, nothing is recorded.
import { NotFoundError, TemporarilyUnavailableError, type InternalReader, type Logger } from '@anshim/platform';
import { USER_FACTS_ROUTE, type UserFactsAnswer } from '@anshim/contracts';
import { messages } from '../messages.ts';
import type { KnownRepository } from './known-repository.ts';

export class UserOwner {
  constructor(
    private readonly known: KnownRepository,
    private readonly reader: InternalReader,
    private readonly logger: Logger,
  ) {}

  /** Resolves when the member exists; NOT_FOUND when the owner does not know them. */
  async requireExisting(userId: string): Promise<void> {
    if ((await this.known.users([userId])).length > 0) return;
    let answer: UserFactsAnswer;
    try {
      answer = await this.reader.read<UserFactsAnswer>(USER_FACTS_ROUTE, { userIds: [userId] });
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'user service could not answer user-facts; recordActivity refused (fail closed)');
      throw new TemporarilyUnavailableError(messages.ownerUnavailable, { reason: 'USER_SERVICE_UNAVAILABLE' });
    }
    const facts = answer.users.find((user) => user.userId === userId);
    if (!facts) throw new NotFoundError(messages.subjectNotFound);
    await this.known.userFromOwner({
      id: userId,
      registeredAt: new Date(facts.registeredAt),
      protectedMode: facts.protectedMode,
      minCounterpartGrade: facts.minCounterpartGrade,
    });
  }
}
