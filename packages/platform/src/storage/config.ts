// Storage settings every process that stores files shares, and the factory that turns them
// into a driver. Services spread `storageEnvShape` into their env schema and call
// `checkStorageEnv` from its superRefine, so a bad setting is reported with all the others.
import { resolve } from 'node:path';
import { z } from 'zod';
import { booleanFlag, projectRoot } from '../env.ts';
import type { StorageDriver } from './driver.ts';
import { LocalStorageDriver } from './local-driver.ts';
import { S3StorageDriver } from './s3-driver.ts';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const storageEnvShape = {
  /** local: files under STORAGE_LOCAL_DIR served by the service's signed-URL route; s3: any S3-compatible store. */
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_LOCAL_DIR: z.string().min(1).default(resolve(projectRoot, '.data/uploads')),
  S3_BUCKET: optional(z.string().min(3)),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** MinIO or another S3-compatible endpoint; empty for AWS. */
  S3_ENDPOINT: optional(z.url()),
  /** MinIO needs path-style URLs (http://host/bucket/key). */
  S3_FORCE_PATH_STYLE: booleanFlag(false),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  /** CDN or public bucket URL for public files (product images); without it they get signed GET URLs. */
  S3_PUBLIC_BASE_URL: optional(z.url()),
  /** Per-attempt timeout of a call to S3 (retries and a circuit breaker come on top). */
  STORAGE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
};

export type StorageEnv = z.infer<z.ZodObject<typeof storageEnvShape>>;

export function checkStorageEnv(env: StorageEnv, ctx: z.RefinementCtx): void {
  if (env.STORAGE_DRIVER !== 's3') return;
  if (!env.S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'required when STORAGE_DRIVER=s3' });
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together' });
  }
}

export interface StorageWiring {
  /** Where clients reach the service that mounts the local route (read late: port 0 in tests). */
  publicBaseUrl: () => string;
  /** Key for local URL signatures; derive it from INTERNAL_SECRET. */
  signingSecret: string;
  publicNamespaces: readonly string[];
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
