// What the gateway's integration tests share: fresh secrets and a Redis prefix of their own per file,
// the things to stop when the file ends (last started, first stopped), a gateway built from test
// settings on a free port, and a port nothing listens on.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Logger, RedisSettings } from '@anshim/platform';
import { buildGateway, type GatewayServer } from '../../src/server.ts';
import { testGatewaySettings, type SettingsOverrides } from './gateway-settings.ts';

export const testSecret = () => randomBytes(32).toString('hex');

/** The test Redis under a prefix of this file's own, named after it. */
export function testRedis(name: string): RedisSettings {
  return { url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', prefix: `anshim_test_${name}_${randomBytes(4).toString('hex')}` };
}

/** What a file started and must stop: servers, clients, Redis keys. */
export type Leftovers = Array<() => Promise<unknown>>;

/**
 * Stops everything, last started first. `tolerant`: for files whose tests leave sockets or gateways
 * half-closed on purpose, a failure to stop one does not keep the others running.
 */
export async function disposeAll(leftovers: Leftovers, { tolerant = false } = {}): Promise<void> {
  for (const dispose of leftovers.splice(0).reverse()) await (tolerant ? dispose().catch(() => undefined) : dispose());
}

export interface TestGatewayOptions {
  /** Over the test settings (gateway-settings.ts). */
  settings: SettingsOverrides;
  /** The environment as a deployment sets it (NODE_ENV=production turns introspection off with it). */
  env?: Record<string, string>;
  supergraphSdl: string;
  internalSecret: string;
  /** A fresh one unless the test signs tokens itself. */
  jwtSecret?: string;
  logger: Logger;
  leftovers: Leftovers;
}

export interface TestGateway {
  gateway: GatewayServer;
  url: string;
  /** The same endpoint for graphql-ws. */
  ws: string;
  port: number;
  operationsUrl?: string;
}

/** A gateway on a free port of 127.0.0.1, stopped with the file's leftovers. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const gateway = await buildGateway({
    ...testGatewaySettings(options.settings, options.env),
    supergraphSdl: options.supergraphSdl,
    internalSecret: options.internalSecret,
    jwtSecret: options.jwtSecret ?? testSecret(),
    logger: options.logger,
  });
  options.leftovers.push(() => gateway.stop());
  const running = await gateway.start(0);
  return { gateway, ...running, ws: running.url.replace(/^http/, 'ws') };
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
