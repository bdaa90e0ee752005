// The transaction subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { stopOnSignals } from '@anshim/platform';
import { buildTransactionServer } from './server.ts';

const server = await buildTransactionServer();
const { url, port, operationsUrl } = await server.start();
// The e2e harness and `npm start` wait for exactly this line (with the real port: 0 picks a free one).
server.logger.info({ url, port, operationsUrl, storage: server.env.STORAGE_DRIVER }, 'listening');
stopOnSignals(() => server.stop(), server.logger);
