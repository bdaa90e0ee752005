// The development allowance (dev-allowance.ts): one key per checkout, created once even when
// processes start together, granted only for that exact key, and never in production.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevAllowance, readDevAllowanceKey } from '../src/dev-allowance.ts';

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'anshim-allowance-')), '.data', 'dev-allowance-key');

describe('DevAllowance', () => {
  it('creates one private key on first use and every later load agrees on it', () => {
    const file = freshFile();
    expect(readDevAllowanceKey(file)).toBeNull();
    const first = DevAllowance.load('development', file);
    const key = readDevAllowanceKey(file)!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(DevAllowance.load('test', file).grants(key)).toBe(true);
    expect(first.grants(key)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(key);
  });

  it('grants only the exact key', () => {
    const file = freshFile();
    const allowance = DevAllowance.load('development', file);
    const key = readDevAllowanceKey(file)!;
    expect(allowance.grants([key])).toBe(true);
    expect(allowance.grants(undefined)).toBe(false);
    expect(allowance.grants('')).toBe(false);
    expect(allowance.grants(`${key}0`)).toBe(false);
    expect(allowance.grants(key.toUpperCase())).toBe(false);
  });

  it('grants nothing in production, even the key a development run left behind', () => {
    const file = freshFile();
    DevAllowance.load('development', file);
    const key = readDevAllowanceKey(file)!;
    expect(DevAllowance.load('production', file).grants(key)).toBe(false);
    expect(DevAllowance.none.grants(key)).toBe(false);
    // Production does not create one either.
    const untouched = freshFile();
    DevAllowance.load('production', untouched);
    expect(readDevAllowanceKey(untouched)).toBeNull();
  });
});
