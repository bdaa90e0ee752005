// The user subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { buildUserServer } from './server.ts';

const server = await buildUserServer();
await server.start();

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
