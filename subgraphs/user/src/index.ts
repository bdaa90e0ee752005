// The user subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { stopOnSignals } from '@anshim/platform';
import { buildUserServer } from './server.ts';

const server = await buildUserServer();
await server.start();
stopOnSignals(() => server.stop(), server.logger);
