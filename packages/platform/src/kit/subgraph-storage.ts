// Files for a subgraph that stores them (transaction's product images, report's evidence, user's ID
// card photos), wired the one way they all need: the public base URL its links start with (the
// gateway's in production, this process once it listens locally), the driver from the storage
// settings, upload tickets, the local driver's signed-URL routes, and the sweep of files whose ticket
// expired unattached. Kept out of the kit's index (like storage/index) so a subgraph that stores
// nothing never loads the S3 SDK: `import … from '@anshim/platform/storage'`.
import type { Express } from 'express';
import type { Logger } from '../logger.ts';
import type { Redis, RedisSettings } from '../redis.ts';
import { PublicBaseUrl, type RunningServer } from '../server.ts';
import { createStorageDriver, localStorageSigningSecret, uploadTicketSettings, type StorageEnv } from '../storage/config.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { LocalStorageDriver } from '../storage/local-driver.ts';
import { mountLocalStorageRoutes } from '../storage/local-route.ts';
import { publicNamespaces, type UploadPolicy } from '../storage/policies.ts';
import { UploadSweep, type SweptKind, type UploadSweepService } from '../storage/upload-sweep.ts';
import { UploadTickets } from '../storage/upload-tickets.ts';

/** The part of defineSubgraph's `compose` parts storage needs (pass the parts as they are). */
export interface StorageParts {
  env: StorageEnv & { INTERNAL_SECRET: string };
  redis: Redis;
  redisSettings: RedisSettings;
  logger: Logger;
}

export interface SubgraphStorageSettings {
  /** `<NAME>_PUBLIC_URL`: how browsers reach this service's files (through the gateway). */
  publicUrl: string | undefined;
  /** `<NAME>_PORT`: the local default until the process listens (perhaps on port 0). */
  port: number;
  /** Whose files are served without a signature (product images stay public wherever they are served). */
  publicPolicies: readonly UploadPolicy[];
}

export interface SubgraphStorage {
  driver: StorageDriver;
  publicBaseUrl: PublicBaseUrl;
  tickets: UploadTickets;
  /** The local driver's signed upload and download routes (nothing with S3); call it from `routes`. */
  mountLocalRoutes(app: Express): void;
  /** Give it to defineSubgraph as `onListening`: links point at the real port unless a public URL is set. */
  onListening(running: RunningServer, host: string): void;
  /** The sweep of `<service>.upload-sweep` for these kinds; list `sweep.job` in `jobs`. */
  sweep(service: UploadSweepService, kinds: SweptKind[]): UploadSweep;
}

export function openSubgraphStorage(parts: StorageParts, settings: SubgraphStorageSettings): SubgraphStorage {
  const { env, logger } = parts;
  const publicBaseUrl = new PublicBaseUrl(settings.publicUrl, settings.port);
  const driver = createStorageDriver(env, {
    publicBaseUrl: publicBaseUrl.get,
    signingSecret: localStorageSigningSecret(env.INTERNAL_SECRET),
    publicNamespaces: publicNamespaces(settings.publicPolicies),
  });
  const tickets = new UploadTickets(parts.redis, uploadTicketSettings(env));
  return {
    driver,
    publicBaseUrl,
    tickets,
    mountLocalRoutes: (app) => {
      if (driver instanceof LocalStorageDriver) mountLocalStorageRoutes(app, driver);
    },
    onListening: (running, host) => publicBaseUrl.listeningOn(host, running.port),
    sweep: (service, kinds) =>
      new UploadSweep({ service, kinds, tickets, storage: driver, redis: parts.redisSettings, logger, intervalMinutes: env.UPLOAD_SWEEP_INTERVAL_MINUTES }),
  };
}
