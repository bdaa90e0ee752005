// The report subgraph process: the only file that listens. SIGTERM/SIGINT drain and exit.
import { buildReportServer } from './server.ts';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

const server = await buildReportServer();
await server.start();

let stopping = false;
for (const signal of SIGNALS) {
  // on, not once: a listener must stay registered, or a second signal kills the process mid-drain.
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
