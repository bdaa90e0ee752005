// The monitor subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildMonitorServer } from './server.ts';

await runSubgraph(() => buildMonitorServer());
