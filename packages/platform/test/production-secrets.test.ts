// Production refuses known or weak secrets (issue 16 point 2): the rules, and a real process
// (the gateway) exiting 1 with the problems listed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMITTED_SECRETS, productionSecretProblems } from '../src/env.ts';

const strong = () => randomBytes(32).toString('hex');

describe('production secret rules', () => {
  it('accepts random, distinct secrets', () => {
    expect(productionSecretProblems({ INTERNAL_SECRET: strong(), JWT_SECRET: strong(), DATA_ENCRYPTION_KEY: strong() })).toEqual([]);
  });

  it('refuses every value ever committed, a short or predictable one, and JWT_SECRET = INTERNAL_SECRET', () => {
    for (const known of COMMITTED_SECRETS) {
      expect(productionSecretProblems({ INTERNAL_SECRET: known, JWT_SECRET: strong(), DATA_ENCRYPTION_KEY: strong() })[0]).toMatch(/INTERNAL_SECRET is a value committed/);
    }
    expect(productionSecretProblems({ INTERNAL_SECRET: strong(), JWT_SECRET: 'ab'.repeat(32), DATA_ENCRYPTION_KEY: strong() })).toEqual([expect.stringMatching(/JWT_SECRET is too predictable/)]);
    const shared = strong();
    expect(productionSecretProblems({ INTERNAL_SECRET: shared, JWT_SECRET: shared, DATA_ENCRYPTION_KEY: strong() })).toEqual(['JWT_SECRET and INTERNAL_SECRET must differ']);
  });
});

describe('a production process', () => {
  it('exits 1 listing committed and shared secrets', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        GATEWAY_PORT: '0',
        GATEWAY_OPS_PORT: '0',
        INTERNAL_SECRET: 'compose-only-internal-secret-change-me-0001',
        JWT_SECRET: 'compose-only-internal-secret-change-me-0001',
        DATA_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('gateway: production needs real secrets');
    expect(run.stderr).toContain('INTERNAL_SECRET is a value committed to the repository');
    expect(run.stderr).toContain('DATA_ENCRYPTION_KEY is a value committed to the repository');
    expect(run.stderr).toContain('JWT_SECRET and INTERNAL_SECRET must differ');
  }, 90_000); // tsx compiles the gateway before it checks its secrets: 60 s for the child, more for the test
});
