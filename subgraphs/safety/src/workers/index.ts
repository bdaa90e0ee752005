// The safety worker process (started by `npm start` next to the subgraph): consumes events,
// recalculates scores, runs the nightly batch. Logs {"msg":"ready"} once consuming; SIGTERM drains.
import { createLogger, stopOnSignals } from '@anshim/platform';
import { loadSafetyEnv } from '../env.ts';
import { buildSafetyWorkers } from './safety-workers.ts';

const env = loadSafetyEnv({}, 'safety-worker');
const logger = createLogger('safety-worker', env.LOG_LEVEL);
const workers = buildSafetyWorkers(env, logger);
const { port } = await workers.start();
logger.info({ port, concurrency: env.SAFETY_WORKER_CONCURRENCY, nightly: env.SAFETY_NIGHTLY_ENABLED ? env.SAFETY_NIGHTLY_CRON : 'off' }, 'ready');

stopOnSignals(() => workers.close(), logger);
