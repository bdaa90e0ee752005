// The payment subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildPaymentServer } from './server.ts';

await runSubgraph(() => buildPaymentServer());
