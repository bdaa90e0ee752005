// The gateway process: `node --import tsx gateway/src/index.ts` (see env.ts for its settings).
import { readFileSync } from 'node:fs';
import { DevAllowance, createLogger, resolveSecrets } from '@anshim/platform';
import { limitsFromEnv, loadGatewayEnv } from './env.ts';
import { buildGateway, type GatewayServer } from './server.ts';

const env = loadGatewayEnv(process.env);
const secrets = resolveSecrets(env, 'gateway');
const logger = createLogger('gateway', env.LOG_LEVEL);

let gateway: GatewayServer;
try {
  gateway = await buildGateway({
    supergraphSdl: readFileSync(env.SUPERGRAPH_PATH, 'utf8'),
    production: env.NODE_ENV === 'production',
    introspection: env.INTROSPECTION,
    internalSecret: secrets.INTERNAL_SECRET,
    jwtSecret: secrets.JWT_SECRET,
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    subgraphUrls: env.SUBGRAPH_URLS,
    subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    shareInflightFetches: env.SUBGRAPH_SHARE_INFLIGHT,
    subgraphBreaker: { failures: env.SUBGRAPH_BREAKER_FAILURES, cooldownMs: env.SUBGRAPH_BREAKER_COOLDOWN_MS },
    explorerDir: env.EXPLORER ? env.EXPLORER_DIR : undefined,
    subscriptions: {
      maxPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      connectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
      joinBatching: env.WS_JOIN_BATCHING,
      joinBatchWindowMs: env.WS_JOIN_BATCH_WINDOW_MS,
      connectionCaps: { perAddress: env.WS_MAX_CONNECTIONS_PER_ADDRESS, perMember: env.WS_MAX_CONNECTIONS_PER_MEMBER },
      revocationSweepMs: env.WS_REVOCATION_SWEEP_MS,
    },
    // The development seed proves a key generated into .data/ to pass the rate limits; production has none.
    limits: { ...limitsFromEnv(env), devAllowance: DevAllowance.load(env.NODE_ENV) },
    operations: { port: env.GATEWAY_OPS_PORT, host: env.OPS_HOST },
    logger,
  });
  const { url, port, operationsUrl } = await gateway.start(env.GATEWAY_PORT, env.GATEWAY_HOST);
  // `listening` with the port is what npm start and the e2e harness wait for (port 0 picks a free one).
  logger.info({ url, port, operationsUrl, subgraphs: Object.fromEntries(gateway.subgraphs) }, 'listening');
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping gateway');
  try {
    await gateway.stop();
    logger.info('gateway stopped');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'gateway did not stop cleanly');
    process.exit(1);
  }
}
process.once('SIGINT', (signal) => void shutdown(signal));
process.once('SIGTERM', (signal) => void shutdown(signal));
