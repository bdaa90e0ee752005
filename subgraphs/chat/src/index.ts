// The chat subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildChatServer } from './server.ts';

await runSubgraph(() => buildChatServer());
