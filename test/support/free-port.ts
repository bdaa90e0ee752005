import { createServer } from 'node:net';

/**
 * A port that was free a moment ago. Only for a process whose URL others must know before it
 * starts (the gateway URL in an OIDC redirect URL; Hive Gateway in bench/peer-gateway.ts, which
 * takes no port 0); everything else listens on port 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
