import { describe, expect, it } from 'vitest';
import { transactionEnvSchema } from '../src/env.ts';

const issues = (env: Record<string, string>) => {
  const result = transactionEnvSchema.safeParse(env);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.')).sort();
};

describe('transaction env', () => {
  it('works with no settings at all: local storage under .data/uploads, port 4002, 30 min cache', () => {
    const env = transactionEnvSchema.parse({});
    expect(env).toMatchObject({ TRANSACTION_PORT: 4002, STORAGE_DRIVER: 'local', PRODUCT_CACHE_TTL_SECONDS: 1800, PRODUCT_CACHE: true, TRANSACTION_CONSUME_EVENTS: true });
    expect(env.STORAGE_LOCAL_DIR).toMatch(/\.data\/uploads$/);
  });

  it('lists every problem at once', () => {
    expect(issues({ STORAGE_DRIVER: 's3', S3_ACCESS_KEY_ID: 'x', TRANSACTION_PORT: '99999', PRODUCT_CACHE: 'maybe' })).toEqual(['PRODUCT_CACHE', 'TRANSACTION_PORT']);
    expect(issues({ STORAGE_DRIVER: 's3', S3_ACCESS_KEY_ID: 'x' })).toEqual(['S3_BUCKET', 'S3_SECRET_ACCESS_KEY']);
    expect(issues({ STORAGE_DRIVER: 'ftp' })).toEqual(['STORAGE_DRIVER']);
  });

  it('production with local storage needs the public URL browsers use', () => {
    expect(issues({ NODE_ENV: 'production' })).toEqual(['TRANSACTION_PUBLIC_URL']);
    expect(issues({ NODE_ENV: 'production', TRANSACTION_PUBLIC_URL: 'https://api.anshim.example' })).toEqual([]);
    expect(issues({ NODE_ENV: 'production', STORAGE_DRIVER: 's3', S3_BUCKET: 'anshim-prod' })).toEqual([]);
  });
});
