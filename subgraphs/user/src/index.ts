// The user subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildUserServer } from './server.ts';

await runSubgraph(() => buildUserServer());
