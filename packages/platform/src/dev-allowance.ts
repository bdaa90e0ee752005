// A development-only allowance for tools that drive the public API in bulk from one address: the
// demo seed (`npm run seed`) signs up 200 members in a minute, far past the limits that keep
// guessers and enumerators out. Instead of turning the limits off, a development system generates
// one random key into `.data/dev-allowance-key` (beside the dev secrets, readable only by whoever
// can read this checkout), and a tool that sends it in the `x-anshim-dev-allowance` header is let
// past the gateway's rate limits and the user service's per-domain sign-up ration. Everyone else
// meets the limits as configured. In production there is no key and the header means nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { safeEqual } from './crypto.ts';
import { projectRoot } from './env.ts';

export const DEV_ALLOWANCE_HEADER = 'x-anshim-dev-allowance';

/** Where a development system keeps its allowance key. */
export const DEV_ALLOWANCE_FILE = resolve(projectRoot, '.data/dev-allowance-key');

/** The key a tool proves; null when this checkout never ran a development system (the file is missing). */
export function readDevAllowanceKey(file = DEV_ALLOWANCE_FILE): string | null {
  if (!existsSync(file)) return null;
  const key = readFileSync(file, 'utf8').trim();
  return key.length >= 32 ? key : null;
}

/**
 * The key of this checkout, created on first use. Processes start together, so the file appears
 * whole or not at all (written aside, then hard-linked into place): every process reads one key.
 */
function ensureKey(file: string): string {
  const existing = readDevAllowanceKey(file);
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
  const key = readDevAllowanceKey(file);
  if (!key) throw new Error(`${file} does not hold a development allowance key; delete it and start again`);
  return key;
}

export class DevAllowance {
  private constructor(private readonly key: string | null) {}

  /** Never grants: production, and anything built without an allowance (tests). */
  static readonly none = new DevAllowance(null);

  /** The development key of this checkout (created if missing); in production, none. */
  static load(nodeEnv: string, file = DEV_ALLOWANCE_FILE): DevAllowance {
    return nodeEnv === 'production' ? DevAllowance.none : new DevAllowance(ensureKey(file));
  }

  /** Whether a request's header value proves the key. */
  grants(header: string | string[] | undefined): boolean {
    const value = Array.isArray(header) ? header[0] : header;
    return this.key !== null && typeof value === 'string' && safeEqual(value, this.key);
  }
}
