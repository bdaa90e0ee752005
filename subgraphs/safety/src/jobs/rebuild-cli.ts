// Refills the safety projection from the owning services and recalculates:
//   node --import tsx subgraphs/safety/src/jobs/rebuild-cli.ts <userId>     one user
//   node --import tsx subgraphs/safety/src/jobs/rebuild-cli.ts --all        every user the projection knows
// Reads SAFETY_USER_SUBGRAPH_URL, SAFETY_TRANSACTION_SUBGRAPH_URL, SAFETY_REPORT_SUBGRAPH_URL and
// SAFETY_MONITOR_SUBGRAPH_URL (defaults: the local ports) with signed internal identities
// (INTERNAL_SECRET). See rebuild.ts for what each source refills.
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
    sources: {
      user: env.SAFETY_USER_SUBGRAPH_URL,
      transaction: env.SAFETY_TRANSACTION_SUBGRAPH_URL,
      report: env.SAFETY_REPORT_SUBGRAPH_URL,
      monitor: env.SAFETY_MONITOR_SUBGRAPH_URL,
    },
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
