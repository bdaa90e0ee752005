// The monitor subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { stopOnSignals } from '@anshim/platform';
import { buildMonitorServer } from './server.ts';

const server = await buildMonitorServer();
await server.start();
stopOnSignals(() => server.stop(), server.logger);
