// The report subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { stopOnSignals } from '@anshim/platform';
import { buildReportServer } from './server.ts';

const server = await buildReportServer();
await server.start();
stopOnSignals(() => server.stop(), server.logger);
