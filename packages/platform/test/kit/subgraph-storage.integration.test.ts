// openSubgraphStorage: the driver from the storage settings, links that follow the real port once
// the process listens (unless a public URL is configured), the local routes, and the sweep's queue.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { openSubgraphStorage, type StorageParts } from '../../src/kit/subgraph-storage.ts';
import { createRedis } from '../../src/redis.ts';
import { storageEnvShape } from '../../src/storage/config.ts';
import { LocalStorageDriver } from '../../src/storage/local-driver.ts';
import { EVIDENCE_POLICY, PRODUCT_IMAGE_POLICY } from '../../src/storage/policies.ts';
import '../../../../test/support/provided-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'anshim-kit-storage-'));
const redisSettings = { url: inject('redisUrl'), prefix: `${inject('redisPrefix')}_kit_${randomBytes(4).toString('hex')}` };
const redis = createRedis(redisSettings);
afterAll(async () => {
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

function parts(): StorageParts {
  const env = z.object(storageEnvShape).parse({ STORAGE_DRIVER: 'local', STORAGE_LOCAL_DIR: dir, UPLOAD_SWEEP_INTERVAL_MINUTES: '7' });
  return { env: { ...env, INTERNAL_SECRET: randomBytes(32).toString('hex') }, redis, redisSettings, logger: pino({ level: 'silent' }) };
}

describe('openSubgraphStorage', () => {
  it('makes the local driver, mounts its routes, and points links at the real port once listening', () => {
    const files = openSubgraphStorage(parts(), { publicUrl: undefined, port: 4004, publicPolicies: [PRODUCT_IMAGE_POLICY, EVIDENCE_POLICY] });
    expect(files.driver).toBeInstanceOf(LocalStorageDriver);
    expect(files.publicBaseUrl.get()).toBe('http://localhost:4004');
    files.onListening({ url: 'http://0.0.0.0:51234/graphql', port: 51234 }, '0.0.0.0');
    expect(files.publicBaseUrl.get()).toBe('http://localhost:51234');

    const app = express();
    files.mountLocalRoutes(app);
    expect((app.router as unknown as { stack: unknown[] }).stack.length).toBeGreaterThan(0);
  });

  it('keeps a configured public URL, and makes the service\'s sweep on its catalogue queue', async () => {
    const files = openSubgraphStorage(parts(), { publicUrl: 'https://anshim.example/report', port: 4004, publicPolicies: [EVIDENCE_POLICY] });
    files.onListening({ url: 'http://127.0.0.1:51234/graphql', port: 51234 }, '127.0.0.1');
    expect(files.publicBaseUrl.get()).toBe('https://anshim.example/report');
    const sweep = files.sweep('report', [{ policy: EVIDENCE_POLICY, attachedAmong: async () => new Set() }]);
    try {
      expect(sweep.job.name).toBe('report.upload-sweep');
      expect(await sweep.sweep(new Date())).toEqual({ deleted: 0 });
    } finally {
      await sweep.job.close();
    }
  });
});
