// The transaction subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { buildTransactionServer } from './server.ts';

const server = await buildTransactionServer();
const { url, port } = await server.start();
// The e2e harness and `npm start` wait for exactly this line (with the real port: 0 picks a free one).
server.logger.info({ url, port, storage: server.env.STORAGE_DRIVER }, 'listening');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // on, not once: signal-exit (used by dependencies) re-raises the signal when it sees no other listener.
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  });
}
