// The report subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { runSubgraph } from '@anshim/platform';
import { buildReportServer } from './server.ts';

await runSubgraph(() => buildReportServer());
