import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isRedisUrl } from './redis.ts';

/**
 * The repository root (the folder whose package.json is the `anshim` workspace root): dev secrets
 * and uploads live under `<root>/.data`. Found by walking up, because this file runs both from
 * `packages/platform/src` and bundled into a process's `dist/` (scripts/lib/server-build.ts).
 */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = resolve(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'anshim') return dir;
    if (dirname(dir) === dir) throw new Error(`no anshim package.json above ${start}`);
  }
}

// A placeholder from deploy/k8s/secret.yaml must never become a real key.
const notPlaceholder = (value: string) => !/REPLACE-ME/i.test(value);
const PLACEHOLDER = 'still the REPLACE-ME placeholder: generate one with `openssl rand -hex 32`';
const secret = z.string().min(32, 'must be at least 32 characters').refine(notPlaceholder, PLACEHOLDER);

/** Settings every process shares. Each process extends this with its own fields. */
export const baseEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development')
    .describe('`production` masks internal errors, disables dev endpoints and requires real secrets'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
    .describe('pino log level'),
  DATABASE_URL: z.string().url().default('postgresql://root@127.0.0.1:5432/anshim')
    .describe('PostgreSQL; the database is created if missing and each service uses its own schema `svc_<service>`'),
  REDIS_URL: z.string().refine(isRedisUrl, 'must be redis://…, rediss://… or redis+cluster://host:port,host:port').default('redis://127.0.0.1:6379/0')
    .describe('Redis: cache, sessions, rate limits, BullMQ queues, pub/sub; `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster://` with TLS) for a Redis Cluster, each queue on its own hash tag (docs/deploy.md)'),
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9_:{}-]+$/, 'letters, digits, _ : - { } only').default('anshim')
    .describe('prefix of every Redis key, channel and queue; no braces with a Redis Cluster (Anshim adds the hash tags itself)'),
  OPS_HOST: z.string().min(1).default('127.0.0.1')
    .describe('interface of the operations port (`/metrics`, detailed `/readyz`): loopback by default, `0.0.0.0` where Prometheus scrapes the pod'),
  INTERNAL_SECRET: secret.optional()
    .describe('HMAC key of the identity the gateway forwards to subgraphs (≥ 32 chars); generated into `.data/` outside production, required in production'),
  JWT_SECRET: secret.optional()
    .describe('access-token signing key, HS256 (≥ 32 chars); generated outside production, required in production'),
  DATA_ENCRYPTION_KEY: z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters').optional()
    .describe('AES-256-GCM key for personal data at rest (64 hex chars, `openssl rand -hex 32`); generated outside production, required in production'),
};

export const baseEnvSchema = z.object(baseEnvShape);

export interface Secrets {
  INTERNAL_SECRET: string;
  JWT_SECRET: string;
  DATA_ENCRYPTION_KEY: string;
}

/**
 * Parses the environment once. On any problem it prints every issue and exits 1,
 * so a misconfigured process never half-starts.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
  processName = 'anshim',
): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    console.error(`${processName}: invalid configuration:\n${lines.join('\n')}`);
    process.exit(1);
  }
  return result.data;
}

/**
 * Every secret value ever committed to this repository (deploy files, README, test fixtures): a
 * production process refuses them even when they pass the length rules.
 */
export const COMMITTED_SECRETS: readonly string[] = [
  'compose-only-internal-secret-change-me-0001',
  'compose-only-jwt-secret-change-me-000000000001',
  '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  'REPLACE-ME-with-openssl-rand-hex-32',
  'anshim-minio-local',
  'anshim-test-secret-0123456789abcdef',
  'test-cookie-key-0123456789abcdef',
  'x'.repeat(40),
  'x'.repeat(64),
  'y'.repeat(40),
];

/** Distinct characters a production secret needs at least (random hex of 32+ chars has ~16). */
const MIN_DISTINCT_CHARACTERS = 12;

/** What is wrong with production secrets (empty when nothing is): committed, weak or shared values. */
export function productionSecretProblems(secrets: Secrets): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (COMMITTED_SECRETS.some((known) => known.toLowerCase() === value.toLowerCase())) problems.push(`${name} is a value committed to the repository; generate a new one (openssl rand -hex 32)`);
    else if (value.length < 32) problems.push(`${name} must be at least 32 characters`);
    else if (new Set(value.toLowerCase()).size < MIN_DISTINCT_CHARACTERS) problems.push(`${name} is too predictable (fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters); generate one with openssl rand -hex 32`);
  }
  if (secrets.JWT_SECRET === secrets.INTERNAL_SECRET) problems.push('JWT_SECRET and INTERNAL_SECRET must differ');
  return problems;
}

/**
 * Secrets come from the environment. Outside production, missing ones are generated once
 * into `.data/dev-secrets.json` so every local process agrees; production refuses to start.
 */
export function resolveSecrets(
  env: { NODE_ENV: string } & Partial<Secrets>,
  processName = 'anshim',
  file = resolve(projectRoot, '.data/dev-secrets.json'),
): Secrets {
  const given = { INTERNAL_SECRET: env.INTERNAL_SECRET, JWT_SECRET: env.JWT_SECRET, DATA_ENCRYPTION_KEY: env.DATA_ENCRYPTION_KEY };
  const missing = Object.entries(given).filter(([, v]) => !v).map(([k]) => k);
  if (env.NODE_ENV === 'production') {
    const problems = missing.length ? [`missing: ${missing.join(', ')}`] : productionSecretProblems(given as Secrets);
    if (problems.length) {
      console.error(`${processName}: production needs real secrets:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
      process.exit(1);
    }
  }
  if (missing.length === 0) return given as Secrets;
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  const generated: Secrets = {
    INTERNAL_SECRET: stored.INTERNAL_SECRET ?? randomBytes(32).toString('hex'),
    JWT_SECRET: stored.JWT_SECRET ?? randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: stored.DATA_ENCRYPTION_KEY ?? randomBytes(32).toString('hex'),
  };
  if (!existsSync(file) || missing.some((k) => !stored[k as keyof Secrets])) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return {
    INTERNAL_SECRET: given.INTERNAL_SECRET ?? generated.INTERNAL_SECRET,
    JWT_SECRET: given.JWT_SECRET ?? generated.JWT_SECRET,
    DATA_ENCRYPTION_KEY: given.DATA_ENCRYPTION_KEY ?? generated.DATA_ENCRYPTION_KEY,
  };
}

/** An empty variable (`SMTP_HOST=`) means "not set", as people expect from .env files. */
export const optionalSetting = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Optional port: "0" means "any free port" (tests). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
