// Admin tool for safety's dead letters: events whose handling failed for good (after retries with
// backoff) or that can never succeed (poison: failed validation, with the reason).
//   node --import tsx subgraphs/safety/src/inbound/dead-letters-cli.ts list [limit]
//   node --import tsx subgraphs/safety/src/inbound/dead-letters-cli.ts replay <id>
//   node --import tsx subgraphs/safety/src/inbound/dead-letters-cli.ts replay-all
// Uses the same environment as the workers (REDIS_URL, REDIS_PREFIX). Replaying is safe: an
// event that did take effect meanwhile is skipped by its id.
import { DeadLetters } from '@anshim/platform';
import { loadSafetyEnv } from '../env.ts';

const USAGE = 'usage: dead-letters-cli.ts list [limit] | replay <id> | replay-all';

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const env = loadSafetyEnv({}, 'safety-dead-letters');
  const deadLetters = new DeadLetters('safety', { url: env.REDIS_URL, prefix: env.REDIS_PREFIX });
  try {
    if (command === 'list') {
      const letters = await deadLetters.list({ limit: arg ? Number(arg) : 100 });
      console.log(`${await deadLetters.count()} dead letter(s)${letters.length ? ', newest first:' : '.'}`);
      for (const letter of letters) {
        const envelope = letter.envelope as { id?: string; subjectUserId?: string | null; occurredAt?: string };
        console.log(JSON.stringify({ id: letter.id, type: letter.eventType, eventId: envelope?.id, user: envelope?.subjectUserId, occurredAt: envelope?.occurredAt, failedAt: letter.failedAt, attempts: letter.attempts, reason: letter.reason }));
      }
      return 0;
    }
    if (command === 'replay' && arg) {
      const replayed = await deadLetters.replay(arg);
      console.log(replayed ? `replayed ${arg}` : `no dead letter ${arg} (already replayed?)`);
      return replayed ? 0 : 1;
    }
    if (command === 'replay-all') {
      console.log(`replayed ${await deadLetters.replayAll()} dead letter(s)`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await deadLetters.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`dead-letters: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
