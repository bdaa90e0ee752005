import { existsSync, readFileSync } from 'node:fs';
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

const handedOut = new Set<number>();

/**
 * A free port below the kernel's ephemeral range, for a process that binds it long after it was
 * chosen (`npm start` migrates a database first): the port-0 listeners of every other test on the
 * machine take ephemeral ports, so in the meantime they cannot take this one.
 */
export async function freePortBelowEphemeral(): Promise<number> {
  const range = existsSync(EPHEMERAL_RANGE) ? readFileSync(EPHEMERAL_RANGE, 'utf8') : '';
  const ephemeralStart = Number(range.trim().split(/\s+/)[0]) || 32_768;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 15_000 + Math.floor(Math.random() * (ephemeralStart - 15_000));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between 15000 and ${ephemeralStart}`);
}

const EPHEMERAL_RANGE = '/proc/sys/net/ipv4/ip_local_port_range';

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
