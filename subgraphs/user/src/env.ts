// The user service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { baseEnvShape, booleanFlag, parseEnv, port, resolveSecrets, type Secrets } from '@anshim/platform';

/** An empty variable (`SMTP_HOST=`) means "not set", as people expect from .env files. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const userEnvSchema = z
  .object({
    ...baseEnvShape,
    USER_PORT: port(4001).describe('user subgraph port'),
    USER_HOST: z.string().min(1).default('127.0.0.1').describe('interface the user subgraph binds (`0.0.0.0` in a container)'),
    DELIVERY_PROVIDER: optional(z.enum(['console', 'smtp']))
      .describe('`console` (default outside production) records messages for `GET :4001/dev/messages?to=`; `smtp` sends; production needs `smtp`'),
    SMTP_HOST: optional(z.string()).describe('SMTP server; required with DELIVERY_PROVIDER=smtp'),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587).describe('SMTP port'),
    SMTP_SECURE: booleanFlag(false).describe('true for implicit TLS (port 465); false upgrades with STARTTLS when the server offers it'),
    SMTP_USER: optional(z.string()).describe('SMTP user (with SMTP_PASSWORD)'),
    SMTP_PASSWORD: optional(z.string()).describe('SMTP password (with SMTP_USER)'),
    SMTP_FROM: z.string().min(3).default('안심 Anshim <no-reply@anshim.local>').describe('sender of emails'),
    SMS_EMAIL_GATEWAY_DOMAIN: optional(z.string().regex(/^[a-z0-9.-]+$/i, 'a domain name such as sms.example.com'))
      .describe('email-to-SMS gateway: with `smtp`, a text to 01012345678 is mailed to `01012345678@<domain>`; without it smtp cannot send SMS'),
    DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000)
      .describe('per-attempt timeout of an SMTP send; retries and a circuit breaker come on top'),
    BOOTSTRAP_ADMIN_EMAIL: optional(z.string().trim().toLowerCase().pipe(z.email('must be an email address')))
      .describe('with BOOTSTRAP_ADMIN_PASSWORD, creates this ADMIN at start if absent (development only)'),
    BOOTSTRAP_ADMIN_PASSWORD: optional(z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters'))
      .describe('password of the bootstrap admin (development only)'),
    BOOTSTRAP_ADMIN_NICKNAME: z.string().trim().min(1).max(30).default('안심 관리자').describe('nickname of the bootstrap admin'),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe('refresh-token lifetime'),
    DEV_MESSAGES_KEEP: z.coerce.number().int().min(10).max(10_000).default(500)
      .describe('how many messages the console provider keeps for /dev/messages'),
  })
  .superRefine((env, ctx) => {
    const production = env.NODE_ENV === 'production';
    const provider = env.DELIVERY_PROVIDER ?? (production ? undefined : 'console');
    if (!provider) ctx.addIssue({ code: 'custom', path: ['DELIVERY_PROVIDER'], message: 'required in production (smtp)' });
    if (production && provider === 'console') {
      ctx.addIssue({ code: 'custom', path: ['DELIVERY_PROVIDER'], message: 'console only records messages; production needs smtp' });
    }
    if (provider === 'smtp' && !env.SMTP_HOST) ctx.addIssue({ code: 'custom', path: ['SMTP_HOST'], message: 'required when DELIVERY_PROVIDER=smtp' });
    if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_PASSWORD'], message: 'SMTP_USER and SMTP_PASSWORD go together' });
    }
    if (Boolean(env.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(env.BOOTSTRAP_ADMIN_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['BOOTSTRAP_ADMIN_PASSWORD'], message: 'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD go together' });
    }
    // ARCHITECTURE §9: a known admin password is a development convenience, never production.
    if (production && env.BOOTSTRAP_ADMIN_EMAIL) {
      ctx.addIssue({ code: 'custom', path: ['BOOTSTRAP_ADMIN_EMAIL'], message: 'a bootstrap admin is for development only; not allowed in production' });
    }
  });

export type UserEnv = Omit<z.infer<typeof userEnvSchema>, 'DELIVERY_PROVIDER'> &
  Secrets & { DELIVERY_PROVIDER: 'console' | 'smtp' };

/**
 * Parses the environment (plus overrides, e.g. from tests) and resolves the shared secrets.
 * Exits the process listing every problem when the configuration is wrong.
 */
export function loadUserEnv(overrides: Record<string, string | undefined> = {}): UserEnv {
  const env = parseEnv(userEnvSchema, { ...process.env, ...overrides }, 'user');
  // Outside production the schema already refused a missing provider, so console is the default.
  return { ...env, DELIVERY_PROVIDER: env.DELIVERY_PROVIDER ?? 'console', ...resolveSecrets(env, 'user') };
}
