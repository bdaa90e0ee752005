// Protection settings and account status read from their owner, the user service, when a trade
// starts (issue 18 point 5). The local copy (party-repository.ts, fed by user.* events) is a
// moment behind the member's own action; a safety setting must never be: protected mode switched
// on a moment ago must be in force for the very next trade. So startTransaction asks the owner for
// both parties in one signed read, and fails closed (TEMPORARILY_UNAVAILABLE, nothing written)
// when it cannot answer. Grades, holds and restrictions still come from the copy: those are the
// platform's judgement of the member, not something the member just did.
import { TemporarilyUnavailableError, type InternalReader, type Logger } from '@anshim/platform';
import { USER_FACTS_ROUTE, type UserFactsAnswer } from '@anshim/contracts';
import { messages } from '../messages.ts';
import type { PartyState } from './party-repository.ts';

export type OwnerFacts = UserFactsAnswer['users'][number];

export class UserOwner {
  /** `reader` null only in bench/trade-start-read.ts (what the read costs); no setting reaches it. */
  constructor(
    private readonly reader: InternalReader | null,
    private readonly logger: Logger,
  ) {}

  /** The owner's current facts for these users; users it does not know are absent. */
  async factsOf(userIds: readonly string[]): Promise<Map<string, OwnerFacts>> {
    if (!this.reader) return new Map();
    let answer: UserFactsAnswer;
    try {
      answer = await this.reader.read<UserFactsAnswer>(USER_FACTS_ROUTE, { userIds: [...new Set(userIds)] });
    } catch (error) {
      this.logger.warn({ err: error }, 'user service could not answer user-facts; trade refused (fail closed)');
      throw new TemporarilyUnavailableError(messages.protectionUnavailable, { reason: 'USER_SERVICE_UNAVAILABLE' });
    }
    return new Map(answer.users.map((facts) => [facts.userId, facts]));
  }
}

/** The copy's state with the owner's fresher settings laid over it (unchanged when the owner does not know the user). */
export function withOwnerFacts(party: PartyState, facts: OwnerFacts | undefined): PartyState {
  if (!facts) return party;
  return {
    ...party,
    protectedMode: facts.protectedMode,
    minCounterpartGrade: facts.minCounterpartGrade,
    accountStatus: facts.status,
    statusUntil: facts.statusUntil ? new Date(facts.statusUntil) : null,
  };
}
