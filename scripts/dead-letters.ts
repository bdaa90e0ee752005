// `npm run dead-letters -- <command>`: the dead letters of every service, for the operator.
//   list [--service s] [--type t] [--limit n]    one JSON line per letter, then a count
//   list --audit [--limit n]                     the audit trail of replays and drops, newest first
//   show <id> [--service s]                      one letter in full (envelope or job data, reason)
//   replay <id> [--service s]                    puts it back to work (an applied event is skipped by its id)
//   replay --all [--service s] [--type t]        every matching letter
//   drop <id> [--service s]                      removes it for good
// Dead letters are events a service's consumer gave up on (its retry window spent, or a payload
// that can never be valid) and failed jobs of the job queues. Every replay and drop appends one
// audit line (who: --by or the OS user; when; service; id; type; event id; payload) to the Redis
// stream `<REDIS_PREFIX>:dead-letters:audit` and prints it. REDIS_URL and REDIS_PREFIX as the services.
// Exit code: 0 done, 1 no such letter, 2 bad usage or Redis unreachable.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
// Imported by path, not through @anshim/platform: the whole platform (Apollo, Prisma) takes seconds to load.
import { baseEnvShape, parseEnv } from '../packages/platform/src/env.ts';
import { DeadLetterDesk, type DeskFilter, type DeskLetter } from '../packages/platform/src/events/dead-letter-desk.ts';

const USAGE = 'usage: npm run dead-letters -- list [--audit] | show <id> | replay <id> | replay --all | drop <id>  [--service s] [--type t] [--limit n] [--by name]';

function usage(message?: string): never {
  if (message) console.error(`dead-letters: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      type: { type: 'string' },
      limit: { type: 'string' },
      by: { type: 'string' },
      all: { type: 'boolean' },
      audit: { type: 'boolean' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
const [command, id, ...extra] = positionals;
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);
const limit = values.limit === undefined ? 1_000 : Number(values.limit);
if (!Number.isInteger(limit) || limit < 1) usage(`--limit must be a positive integer, got "${values.limit}"`);
const filter: DeskFilter = { service: values.service, type: values.type };
const who = values.by ?? userInfo().username;

const env = parseEnv(z.object({ REDIS_URL: baseEnvShape.REDIS_URL, REDIS_PREFIX: baseEnvShape.REDIS_PREFIX }), process.env, 'dead-letters');
const desk = new DeadLetterDesk({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX });

/** A short line per letter; `show` prints the payload too. */
function summary(letter: DeskLetter) {
  const { payload: _payload, ...rest } = letter;
  return rest;
}

/** The one letter an id names, or an exit: none (1), or several (2: narrow it with --service). */
async function single(letterId: string | undefined): Promise<DeskLetter> {
  if (!letterId) usage('which letter? give its id (see `list`)');
  const found = await desk.find(letterId, filter);
  if (found.length === 0) {
    console.error(`dead-letters: no dead letter ${letterId}${filter.service ? ` in ${filter.service}` : ''} (replayed or dropped already?)`);
    await finish(1);
  }
  if (found.length > 1) {
    console.error(`dead-letters: ${letterId} names letters in ${found.map((l) => l.queue).join(', ')}: add --service`);
    await finish(2);
  }
  return found[0]!;
}

async function finish(code: number): Promise<never> {
  await desk.close();
  process.exit(code);
}

async function main(): Promise<number> {
  switch (command) {
    case 'list': {
      if (values.audit) {
        for (const entry of await desk.auditTrail(limit)) console.log(JSON.stringify(entry));
        return 0;
      }
      const letters = await desk.list(filter, limit);
      for (const letter of letters) console.log(JSON.stringify(summary(letter)));
      console.log(`${letters.length} dead letter(s)`);
      return 0;
    }
    case 'show': {
      console.log(JSON.stringify(await single(id), null, 2));
      return 0;
    }
    case 'replay':
    case 'drop': {
      const act = (letter: DeskLetter) => (command === 'replay' ? desk.replay(letter, who) : desk.drop(letter, who));
      if (values.all) {
        if (command === 'drop' || id) usage('--all goes with replay only, without an id');
        let replayed = 0;
        for (const letter of await desk.list(filter, limit)) {
          const entry = await act(letter);
          if (entry) console.log(JSON.stringify({ audit: entry }));
          if (entry) replayed++;
        }
        console.log(`replayed ${replayed} dead letter(s)`);
        return 0;
      }
      const entry = await act(await single(id));
      if (!entry) {
        console.error(`dead-letters: ${id} is gone (replayed or dropped meanwhile)`);
        return 1;
      }
      console.log(JSON.stringify({ audit: entry }));
      console.log(`${command === 'replay' ? 'replayed' : 'dropped'} ${id}`);
      return 0;
    }
    default:
      usage(command ? `unknown command ${command}` : undefined);
  }
}

// The queue connections wait for Redis for ever (workers need that); an operator's command must not.
setTimeout(() => {
  console.error(`dead-letters: no answer from Redis at ${env.REDIS_URL} within 30 s`);
  process.exit(2);
}, 30_000).unref();

main().then(finish, async (error: unknown) => {
  console.error(`dead-letters: ${error instanceof Error ? error.message : String(error)}`);
  await finish(2);
});
