// The safety subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildSafetyServer } from './server.ts';

await runSubgraph(() => buildSafetyServer());
