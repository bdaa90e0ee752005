import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A port that was free a moment ago, for a process whose URL others must know before it starts (the
 * gateway's origin in the links subgraphs sign; a provider's webhook target; Hive Gateway in
 * bench/peer-gateway.ts, which takes no port 0). Everything else listens on port 0.
 *
 * Chosen below the kernel's ephemeral range: a port the OS hands out (port-0 listeners, the local end
 * of every outgoing connection) can be taken between the choice and the bind, which once failed a CI
 * run with EADDRINUSE on the gateway's port. Below the range, only another pre-picked port can collide.
 */
export function freePort(): Promise<number> {
  return freePortBelowEphemeral();
}

const handedOut = new Set<number>();

/**
 * A free port below the kernel's ephemeral range, for a process that binds it after it was chosen
 * (`npm start` migrates a database first): the port-0 listeners of every other test on the machine
 * take ephemeral ports, so in the meantime they cannot take this one. Random, so the suite's parallel
 * workers (separate processes, each with its own `handedOut`) rarely pick the same one.
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
