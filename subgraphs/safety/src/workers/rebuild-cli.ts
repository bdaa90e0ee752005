// Refills the safety projection from the user subgraph and recalculates:
//   node --import tsx subgraphs/safety/src/workers/rebuild-cli.ts <userId>     one user
//   node --import tsx subgraphs/safety/src/workers/rebuild-cli.ts --all        every user the projection knows
// Reads SAFETY_USER_SUBGRAPH_URL (default http://127.0.0.1:4001/graphql) with a signed internal
// identity (INTERNAL_SECRET). See rebuild.ts for what it can and cannot refill yet.
import { createLogger } from '@anshim/platform';
import { loadSafetyEnv } from '../env.ts';
import { buildSafetyCore } from '../safety-core.ts';
import { rebuildProjection } from './rebuild.ts';

const [arg] = process.argv.slice(2);
if (!arg || (arg !== '--all' && !/^[0-9a-f-]{36}$/i.test(arg))) {
  console.error('usage: rebuild-cli.ts <userId> | --all');
  process.exit(2);
}
const env = loadSafetyEnv({}, 'safety-rebuild');
const logger = createLogger('safety-rebuild', env.LOG_LEVEL);
const core = buildSafetyCore(env, logger);
try {
  const result = await rebuildProjection(core, {
    userSubgraphUrl: env.SAFETY_USER_SUBGRAPH_URL,
    internalSecret: env.INTERNAL_SECRET,
    userId: arg === '--all' ? undefined : arg,
    logger,
  });
  // Publish the score_changed events now rather than at the worker relay's next poll.
  while ((await core.relay.publishPending()) > 0);
  console.log(`rebuilt ${result.rebuilt} user(s)${result.missing.length ? `; unknown to the user service: ${result.missing.join(', ')}` : ''}`);
} finally {
  await core.close();
}
process.exit(0);
