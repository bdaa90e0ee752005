// The transaction subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildTransactionServer } from './server.ts';

await runSubgraph(() => buildTransactionServer());
