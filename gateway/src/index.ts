// The gateway process: `node --import tsx gateway/src/index.ts` (see env.ts for its settings), the
// only file that listens. SIGTERM/SIGINT drain and exit; a configuration the supergraph
// contradicts (a subgraph name it does not have) exits 1 before listening.
import { readFileSync } from 'node:fs';
import { DevAllowance, createLogger, resolveSecrets, stopOnSignals } from '@anshim/platform';
import { gatewaySettingsFromEnv, loadGatewayEnv } from './env.ts';
import { buildGateway, type GatewayServer } from './server.ts';

const env = loadGatewayEnv(process.env);
const secrets = resolveSecrets(env, 'gateway');
const logger = createLogger('gateway', env.LOG_LEVEL);
const settings = gatewaySettingsFromEnv(env);

let gateway: GatewayServer;
try {
  gateway = await buildGateway({
    ...settings,
    // The development seed proves a key generated into .data/ to pass the rate limits; production has none.
    limits: { ...settings.limits, devAllowance: DevAllowance.load(env.NODE_ENV) },
    supergraphSdl: readFileSync(env.SUPERGRAPH_PATH, 'utf8'),
    internalSecret: secrets.INTERNAL_SECRET,
    jwtSecret: secrets.JWT_SECRET,
    logger,
  });
  const { url, port, operationsUrl } = await gateway.start(env.GATEWAY_PORT, env.GATEWAY_HOST);
  // `listening` with the port is what npm start and the e2e harness wait for (port 0 picks a free one).
  logger.info({ url, port, operationsUrl, subgraphs: Object.fromEntries(gateway.subgraphs) }, 'listening');
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}

stopOnSignals(() => gateway.stop(), logger);
