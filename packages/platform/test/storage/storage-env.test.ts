// The storage settings check every file-storing service runs from its env schema's superRefine.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkStorageEnv, publicUrlSetting, storageEnvShape } from '../../src/storage/config.ts';

const schema = z
  .object({ NODE_ENV: z.string().default('development'), ...storageEnvShape, SHOP_PUBLIC_URL: publicUrlSetting('where browsers reach the shop') })
  .superRefine((env, ctx) => checkStorageEnv(env, ctx, 'SHOP_PUBLIC_URL'));
const problems = (input: Record<string, string>) => {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('checkStorageEnv', () => {
  it('asks production with the local driver for the public URL, and nobody else', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual(['SHOP_PUBLIC_URL: required in production with STORAGE_DRIVER=local (how browsers reach this service)']);
    expect(problems({ NODE_ENV: 'production', SHOP_PUBLIC_URL: 'https://anshim.example/shop' })).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(problems({ NODE_ENV: 'production', STORAGE_DRIVER: 's3', S3_BUCKET: 'photos' })).toEqual([]);
  });

  it('reads an empty public URL as unset, and refuses one that is not http(s)', () => {
    expect(problems({ NODE_ENV: 'production', SHOP_PUBLIC_URL: '' })).toHaveLength(1);
    expect(problems({ SHOP_PUBLIC_URL: 'ftp://anshim.example' })).toHaveLength(1);
  });

  it('needs a bucket for S3 and both keys or neither', () => {
    expect(problems({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET: required when STORAGE_DRIVER=s3']);
    expect(problems({ STORAGE_DRIVER: 's3', S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'a' })).toHaveLength(1);
  });
});
