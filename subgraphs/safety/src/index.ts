// The safety subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { stopOnSignals } from '@anshim/platform';
import { buildSafetyServer } from './server.ts';

const server = await buildSafetyServer();
await server.start();
stopOnSignals(() => server.stop(), server.logger);
