// Storage settings every process that stores files shares, and the factory that turns them
// into a driver. Services spread `storageEnvShape` into their env schema and call
// `checkStorageEnv` from its superRefine, so a bad setting is reported with all the others.
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { booleanFlag, optionalSetting as optional, projectRoot } from '../env.ts';
import type { StorageDriver } from './driver.ts';
import { LocalStorageDriver } from './local-driver.ts';
import { S3StorageDriver } from './s3-driver.ts';

/** How browsers reach a service's file routes (its `<SERVICE>_PUBLIC_URL`); unset means http://localhost:<port>. */
export const publicUrlSetting = (description: string) => optional(z.url({ protocol: /^https?$/ })).describe(description);

export const storageEnvShape = {
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local')
    .describe('`local`: files under STORAGE_LOCAL_DIR served by the service\'s signed-URL route (one replica); `s3`: any S3-compatible store'),
  STORAGE_LOCAL_DIR: z.string().min(1).default(resolve(projectRoot, '.data/uploads'))
    .describe('where the local driver keeps files'),
  S3_BUCKET: optional(z.string().min(3)).describe('bucket; required with STORAGE_DRIVER=s3'),
  S3_REGION: z.string().min(1).default('us-east-1').describe('S3 region'),
  S3_ENDPOINT: optional(z.url()).describe('MinIO or another S3-compatible endpoint; empty for AWS'),
  S3_FORCE_PATH_STYLE: booleanFlag(false).describe('path-style URLs (http://host/bucket/key), which MinIO needs'),
  S3_ACCESS_KEY_ID: optional(z.string()).describe('S3 access key (with S3_SECRET_ACCESS_KEY); empty uses the SDK\'s default credential chain'),
  S3_SECRET_ACCESS_KEY: optional(z.string()).describe('S3 secret key (with S3_ACCESS_KEY_ID)'),
  S3_PUBLIC_BASE_URL: optional(z.url())
    .describe('CDN or public bucket URL for public files (product images); without it they get signed GET URLs'),
  UPLOAD_TICKET_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(3_600)
    .describe('how long an upload ticket stays open: a file not attached by then is deleted by the upload sweep'),
  UPLOAD_OPEN_TICKETS_PER_KIND: z.coerce.number().int().min(1).max(1_000).default(30)
    .describe('open (unattached, unexpired) upload tickets one member may hold per kind (product photos, report evidence); more is RATE_LIMITED'),
  UPLOAD_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10)
    .describe('how often the upload sweep deletes files whose ticket expired unattached'),
  STORAGE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000)
    .describe('per-attempt timeout of a storage call (retries and a circuit breaker come on top)'),
};

export type StorageEnv = z.infer<z.ZodObject<typeof storageEnvShape>>;

/**
 * Checks the storage settings; with `publicUrlSetting`, also that production with the local driver
 * names the address browsers reach the service's file routes at (localhost only works on a laptop).
 */
export function checkStorageEnv(env: StorageEnv & { NODE_ENV?: string }, ctx: z.RefinementCtx, publicUrlSetting?: string): void {
  if (publicUrlSetting && env.NODE_ENV === 'production' && env.STORAGE_DRIVER === 'local' && !(env as Record<string, unknown>)[publicUrlSetting]) {
    ctx.addIssue({ code: 'custom', path: [publicUrlSetting], message: 'required in production with STORAGE_DRIVER=local (how browsers reach this service)' });
  }
  if (env.STORAGE_DRIVER !== 's3') return;
  if (!env.S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'required when STORAGE_DRIVER=s3' });
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together' });
  }
}

/** The ticket quota and lifetime from the environment (upload-tickets.ts). */
export function uploadTicketSettings(env: StorageEnv): { ttlSeconds: number; maxOpenPerMember: number } {
  return { ttlSeconds: env.UPLOAD_TICKET_TTL_SECONDS, maxOpenPerMember: env.UPLOAD_OPEN_TICKETS_PER_KIND };
}

export interface StorageWiring {
  /** Where clients reach the service that mounts the local route (read late: port 0 in tests). */
  publicBaseUrl: () => string;
  /** Key for local URL signatures; derive it from INTERNAL_SECRET. */
  signingSecret: string;
  publicNamespaces: readonly string[];
}

/**
 * The key that signs local upload and download URLs: derived from INTERNAL_SECRET, so a leaked URL
 * signature says nothing about identity headers, and the same in every service that shares one store.
 */
export function localStorageSigningSecret(internalSecret: string): string {
  return createHmac('sha256', internalSecret).update('anshim:storage:local').digest('base64url');
}

export function createStorageDriver(env: StorageEnv, wiring: StorageWiring): StorageDriver {
  if (env.STORAGE_DRIVER === 's3') {
    return new S3StorageDriver({
      bucket: env.S3_BUCKET!,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      publicBaseUrl: env.S3_PUBLIC_BASE_URL,
      publicNamespaces: wiring.publicNamespaces,
      timeoutMs: env.STORAGE_TIMEOUT_MS,
    });
  }
  return new LocalStorageDriver({
    root: env.STORAGE_LOCAL_DIR,
    publicBaseUrl: wiring.publicBaseUrl,
    signingSecret: wiring.signingSecret,
    publicNamespaces: wiring.publicNamespaces,
  });
}
