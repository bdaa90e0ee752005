// The user service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
// optional(...): an empty variable (`SMTP_HOST=`) means "not set", as people expect from .env files.
import { booleanFlag, envLoader, optionalSetting as optional, parseEnv, port, subgraphEnvShape } from '@anshim/platform';
import { checkStorageEnv, publicUrlSetting, storageEnvShape } from '@anshim/platform/storage';

/** Per-account sign-in back-off (auth/sign-in-throttle.ts), LOGIN_BACKOFF_* and LOGIN_NOTICE_AFTER_FAILURES. */
export interface SignInThrottleSettings {
  /** Attempts per email before the back-off starts. */
  freeAttempts: number;
  /** The first lock; each further attempt doubles it. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** Attempts are forgotten after this long without one; also the notice's once-per window. */
  windowSeconds: number;
  /** Failed attempts in a window after which the member gets the notice email. */
  noticeAfterFailures: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleSettings = {
  freeAttempts: 5,
  baseDelaySeconds: 2,
  maxDelaySeconds: 900,
  windowSeconds: 3_600,
  noticeAfterFailures: 10,
};

/** Per-email-domain ration of sign-ups (auth/register-throttle.ts), REGISTER_PER_DOMAIN_*. */
export interface RegisterThrottleSettings {
  /** Sign-up attempts (taken or not) per email domain per window. */
  perDomainMax: number;
  windowSeconds: number;
}

export const DEFAULT_REGISTER_THROTTLE: RegisterThrottleSettings = { perDomainMax: 30, windowSeconds: 600 };

// OpenID Connect providers: OIDC_PROVIDERS=google,kakao names them, and each name N brings
// OIDC_N_ISSUER, OIDC_N_CLIENT_ID, OIDC_N_CLIENT_SECRET, OIDC_N_REDIRECT_URL and optionally
// OIDC_N_DISPLAY_NAME and OIDC_N_SCOPES.

export interface OidcProviderConfig {
  /** Lower-case name used in URLs: /auth/oidc/<name>/start. */
  name: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Must be registered at the provider; normally <gateway>/auth/oidc/<name>/callback. */
  redirectUrl: string;
  scopes: string;
}

const OIDC_PROVIDER_NAME = /^[a-z][a-z0-9_]{0,30}$/;

/** `google, Kakao` → ['google', 'kakao']; null when a name is not usable in a URL and a variable name. */
export function oidcProviderNames(list: string): string[] | null {
  const names = list.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (!names.every((n) => OIDC_PROVIDER_NAME.test(n))) return null;
  return [...new Set(names)];
}

export function parseOidcProviders(names: readonly string[], source: Record<string, string | undefined>, options: { allowHttp: boolean }): OidcProviderConfig[] {
  if (names.length === 0) return [];
  const url = z.url({ protocol: options.allowHttp ? /^https?$/ : /^https$/, error: options.allowHttp ? 'an http(s) URL' : 'an https URL (OIDC_ALLOW_HTTP=true allows http for local tests)' });
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) {
    const prefix = `OIDC_${name.toUpperCase()}_`;
    shape[`${prefix}ISSUER`] = url;
    shape[`${prefix}CLIENT_ID`] = z.string().min(1);
    shape[`${prefix}CLIENT_SECRET`] = z.string().min(1);
    shape[`${prefix}REDIRECT_URL`] = url.refine((v) => new URL(v).pathname.endsWith(`/auth/oidc/${name}/callback`), `must end with /auth/oidc/${name}/callback`);
    shape[`${prefix}DISPLAY_NAME`] = z.string().min(1).max(40).default(name);
    shape[`${prefix}SCOPES`] = z.string().default('openid email profile').refine((v) => v.split(/\s+/).includes('openid'), 'must include openid');
  }
  const parsed = parseEnv(z.object(shape), source as NodeJS.ProcessEnv, 'user') as Record<string, string>;
  return names.map((name) => {
    const prefix = `OIDC_${name.toUpperCase()}_`;
    return {
      name,
      displayName: parsed[`${prefix}DISPLAY_NAME`]!,
      issuer: parsed[`${prefix}ISSUER`]!,
      clientId: parsed[`${prefix}CLIENT_ID`]!,
      clientSecret: parsed[`${prefix}CLIENT_SECRET`]!,
      redirectUrl: parsed[`${prefix}REDIRECT_URL`]!,
      scopes: parsed[`${prefix}SCOPES`]!,
    };
  });
}


export const userEnvSchema = z
  .object({
    ...subgraphEnvShape('user', { port: 4001, opsPort: 9101 }),
    ...storageEnvShape,
    USER_OPS_PORT: port(9101).describe('the user subgraph\'s operations port: `/metrics`, detailed `/readyz` and, in development, `/dev/messages` (on OPS_HOST)'),
    USER_PUBLIC_URL: publicUrlSetting('how browsers reach this service\'s /auth/* routes (ID card upload and photo URLs): normally the gateway, which proxies /auth/*; default http://localhost:<port>'),
    ID_CARD_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(3_600).default(300).describe('how long an ADMIN\'s link to an ID card photo works'),
    ID_CARD_RETENTION_DAYS: z.coerce.number().min(0).max(365).default(30).describe('days after the decision when the ID card photo is deleted'),
    ID_CARD_PURGE_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60).describe('how often the purge job looks for photos past their retention'),
    OIDC_PROVIDERS: z.string().default('').transform((v, ctx) => {
      const names = oidcProviderNames(v);
      if (names === null) ctx.addIssue({ code: 'custom', message: 'comma-separated names of letters, digits and _ (e.g. google,kakao)' });
      return names ?? [];
    }).describe('comma-separated names of OpenID Connect providers; each needs OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _REDIRECT_URL'),
    OIDC_EMAIL_LINK_PROVIDERS: z.string().default('').transform((v, ctx) => {
      const names = oidcProviderNames(v);
      if (names === null) ctx.addIssue({ code: 'custom', message: 'comma-separated provider names from OIDC_PROVIDERS' });
      return names ?? [];
    }).describe('providers whose verified email may sign into the account that proved the same email, linking it on the way (only for providers that verify emails themselves); default none: members sign in and link explicitly'),
    OIDC_SIGNUP_PROVIDERS: z.string().default('').transform((v, ctx) => {
      const names = oidcProviderNames(v);
      if (names === null) ctx.addIssue({ code: 'custom', message: 'comma-separated provider names from OIDC_PROVIDERS' });
      return names ?? [];
    }).describe('providers whose verified email, when no account has it, may create a new account (the member picks a nickname with completeOidcSignUp); default none'),
    OIDC_APP_REDIRECT_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000/auth/complete')
      .describe('where the browser lands after an OIDC callback (?oidc=…&code=… or ?oidc=error&reason=…)'),
    OIDC_ALLOW_HTTP: booleanFlag(false).describe('allow http:// issuers (a local test provider); never in production'),
    OIDC_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000).describe('per-attempt timeout of a call to an OIDC provider (discovery, token, userinfo)'),
    SMS_PROVIDER: optional(z.enum(['http'])).describe('`http`: send SMS through a generic HTTP API (SMS_HTTP_*) instead of the email delivery provider'),
    SMS_HTTP_URL: optional(z.string().regex(/^https?:\/\//, 'an http(s) URL template')).describe('URL template; {to} (digits), {text} and {id} (the message\'s idempotency key) are replaced, URL-encoded'),
    SMS_HTTP_METHOD: z.enum(['POST', 'GET', 'PUT']).default('POST').describe('HTTP method of the SMS API'),
    SMS_HTTP_BODY: z.string().default('{"to":"{to}","text":"{text}"}').describe('body template; {to}, {text} and {id} are replaced (JSON-escaped when the content type is JSON); empty: no body'),
    SMS_HTTP_CONTENT_TYPE: z.string().default('application/json').describe('content type of the SMS API request body'),
    SMS_HTTP_AUTH_HEADER: optional(z.string().regex(/^[A-Za-z0-9-]+:\s*\S/, 'Name: value')).describe('one header, `Name: value`, e.g. `Authorization: Bearer abc`'),
    SMS_HTTP_IDEMPOTENCY_HEADER: optional(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name such as Idempotency-Key'))
      .describe('a header carrying each message\'s idempotency key (the outbound row id; the same on every retry), for vendors that drop repeats; the templates may also use {id}'),
    SMS_HTTP_TIMEOUT_MS: z.coerce.number().int().min(50).default(5_000).describe('per-attempt timeout of an SMS API call'),
    SMS_HTTP_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3).describe('attempts per message, the first one included'),
    SMS_HTTP_BACKOFF_MS: z.coerce.number().int().min(0).default(300).describe('first backoff between SMS attempts (doubles)'),
    SMS_BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50).describe('circuit breaker: share of failed SMS calls that opens it'),
    SMS_BREAKER_VOLUME: z.coerce.number().int().min(1).default(5).describe('circuit breaker: calls before it may open'),
    SMS_BREAKER_RESET_MS: z.coerce.number().int().min(10).default(30_000).describe('circuit breaker: time before a trial call'),
    DELIVERY_PROVIDER: optional(z.enum(['console', 'smtp']))
      .describe('`console` (default outside production) records messages for `GET :9101/dev/messages?to=` (the operations port); `smtp` sends; production needs `smtp`'),
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
    GUARDIAN_INVITES_PER_MEMBER: z.coerce.number().int().min(1).max(100).default(3)
      .describe('guardian invitation SMS one member may send per window (GUARDIAN_LIMIT_WINDOW_SECONDS)'),
    GUARDIAN_INVITES_PER_NUMBER: z.coerce.number().int().min(1).max(100).default(1)
      .describe('guardian invitation SMS one phone number may receive per window, from all members together'),
    GUARDIAN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(86_400)
      .describe('the rolling "day" of the guardian invitation limits and of the one-alert-SMS-per-(guardian, counterpart) collapse'),
    GUARDIAN_APPROVAL_URL: z.url().default('http://127.0.0.1:4000/guardian-approval')
      .describe('the page a guardian answers a payment approval on (the SMS links <this>?approval=<id>; the page calls decideGuardianApproval)'),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe('refresh-token lifetime'),
    LOGIN_BACKOFF_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(DEFAULT_SIGN_IN_THROTTLE.freeAttempts)
      .describe('sign-in attempts per email (from any address) before the per-account back-off starts'),
    LOGIN_BACKOFF_BASE_SECONDS: z.coerce.number().min(0.1).max(3_600).default(DEFAULT_SIGN_IN_THROTTLE.baseDelaySeconds)
      .describe('first back-off delay after the free attempts; doubles with every further attempt'),
    LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().min(1).max(86_400).default(DEFAULT_SIGN_IN_THROTTLE.maxDelaySeconds)
      .describe('longest per-account back-off delay'),
    LOGIN_BACKOFF_WINDOW_SECONDS: z.coerce.number().int().min(10).max(7 * 86_400).default(DEFAULT_SIGN_IN_THROTTLE.windowSeconds)
      .describe('sign-in attempts of an email are forgotten after this long without one; also how often at most the failure notice is sent'),
    LOGIN_NOTICE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_SIGN_IN_THROTTLE.noticeAfterFailures)
      .describe('failed sign-ins of an account within the window after which the member is told by email'),
    REGISTER_PER_DOMAIN_MAX: z.coerce.number().int().min(1).default(DEFAULT_REGISTER_THROTTLE.perDomainMax)
      .describe('sign-up attempts per email domain per REGISTER_PER_DOMAIN_WINDOW_SECONDS (register must not be a cheap membership oracle)'),
    REGISTER_PER_DOMAIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_REGISTER_THROTTLE.windowSeconds)
      .describe('window of REGISTER_PER_DOMAIN_MAX'),
    PASSWORD_RESET_PER_EMAIL: z.coerce.number().int().min(1).max(100).default(3)
      .describe('password reset requests per email per PASSWORD_RESET_WINDOW_SECONDS (each sends a code by email)'),
    PASSWORD_RESET_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(10)
      .describe('password reset requests per client address per PASSWORD_RESET_WINDOW_SECONDS'),
    PASSWORD_RESET_WINDOW_SECONDS: z.coerce.number().int().min(10).max(7 * 86_400).default(3_600)
      .describe('window of the password reset limits'),
    NEW_DEVICE_SECOND_FACTOR_MIN_GRADE: optional(z.enum(['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER', 'OFF']))
      .describe('a sign-in from a device the account never used asks for an SMS code when the account\'s safety grade is this or better (and a phone is bound); `OFF` never; default SAFE in production, OFF otherwise'),
    OUTBOUND_MESSAGE_MAX_AGE_HOURS: z.coerce.number().positive().max(24 * 14).default(24)
      .describe('a queued message (guardian SMS, account notice email) still undelivered after this long (provider down all along) is marked EXPIRED and logged instead of sent'),
    OUTBOUND_RETENTION_DAYS: z.coerce.number().positive().max(365).default(7)
      .describe('sent, refused and expired outbound messages (recipient encrypted, text) are deleted after this many days'),
    OUTBOUND_SWEEP_SECONDS: z.coerce.number().min(0.2).max(3_600).default(30)
      .describe('how often the outbound sender looks for queued messages whose nudge was lost (a crash) or whose backoff ended'),
    OUTBOUND_RETRY_BASE_SECONDS: z.coerce.number().min(0.05).max(3_600).default(5)
      .describe('first wait after a failed send (provider down), for the message and for the channel; doubles per failure'),
    OUTBOUND_RETRY_MAX_SECONDS: z.coerce.number().min(0.1).max(6 * 3_600).default(300)
      .describe('longest wait between attempts while a provider is down (the first success after it sends every waiting message at once)'),
    OUTBOUND_LEASE_SECONDS: z.coerce.number().min(1).max(3_600).default(120)
      .describe('how long a sender holds a claimed message; longer than one send can take (provider timeout × attempts), after it another sender takes over'),
    OUTBOUND_SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4)
      .describe('queued messages one process sends at the same time'),
    DEV_MESSAGES_KEEP: z.coerce.number().int().min(10).max(10_000).default(500)
      .describe('how many messages the console provider keeps for /dev/messages'),
  })
  .superRefine((env, ctx) => {
    checkStorageEnv(env, ctx);
    const production = env.NODE_ENV === 'production';
    if (production && env.OIDC_ALLOW_HTTP) ctx.addIssue({ code: 'custom', path: ['OIDC_ALLOW_HTTP'], message: 'http issuers are for local tests only; not allowed in production' });
    if (production && !env.USER_PUBLIC_URL) ctx.addIssue({ code: 'custom', path: ['USER_PUBLIC_URL'], message: 'required in production (the public URL of the gateway that proxies /auth/*)' });
    const unknownEmailLink = env.OIDC_EMAIL_LINK_PROVIDERS.filter((name) => !env.OIDC_PROVIDERS.includes(name));
    if (unknownEmailLink.length > 0) ctx.addIssue({ code: 'custom', path: ['OIDC_EMAIL_LINK_PROVIDERS'], message: `not in OIDC_PROVIDERS: ${unknownEmailLink.join(', ')}` });
    const unknownSignUp = env.OIDC_SIGNUP_PROVIDERS.filter((name) => !env.OIDC_PROVIDERS.includes(name));
    if (unknownSignUp.length > 0) ctx.addIssue({ code: 'custom', path: ['OIDC_SIGNUP_PROVIDERS'], message: `not in OIDC_PROVIDERS: ${unknownSignUp.join(', ')}` });
    if (env.SMS_PROVIDER === 'http' && !env.SMS_HTTP_URL) ctx.addIssue({ code: 'custom', path: ['SMS_HTTP_URL'], message: 'required when SMS_PROVIDER=http' });
    // A claim must outlast the slowest send, or a second sender would take the message over mid-send.
    const slowestSendMs = Math.max(env.SMS_HTTP_TIMEOUT_MS * env.SMS_HTTP_ATTEMPTS + env.SMS_HTTP_BACKOFF_MS * 2 ** env.SMS_HTTP_ATTEMPTS, env.DELIVERY_TIMEOUT_MS * 3 + 2_000);
    if (env.OUTBOUND_LEASE_SECONDS * 1000 <= slowestSendMs) {
      ctx.addIssue({ code: 'custom', path: ['OUTBOUND_LEASE_SECONDS'], message: `must exceed the slowest send (${Math.ceil(slowestSendMs / 1000)} s with the provider timeouts and attempts)` });
    }
    if (env.OUTBOUND_RETRY_MAX_SECONDS < env.OUTBOUND_RETRY_BASE_SECONDS) ctx.addIssue({ code: 'custom', path: ['OUTBOUND_RETRY_MAX_SECONDS'], message: 'must be at least OUTBOUND_RETRY_BASE_SECONDS' });
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

const parseUserEnv = envLoader(userEnvSchema, 'user');

export type UserEnv = Omit<ReturnType<typeof parseUserEnv>, 'DELIVERY_PROVIDER'> & { DELIVERY_PROVIDER: 'console' | 'smtp'; oidcProviders: OidcProviderConfig[] };

/**
 * Parses the environment (plus overrides, e.g. from tests) and resolves the shared secrets.
 * Exits the process listing every problem when the configuration is wrong.
 */
export function loadUserEnv(overrides: Record<string, string | undefined> = {}): UserEnv {
  const env = parseUserEnv(overrides);
  // Provider settings are named after the providers, so they are parsed once the names are known.
  const oidcProviders = parseOidcProviders(env.OIDC_PROVIDERS, { ...process.env, ...overrides }, { allowHttp: env.OIDC_ALLOW_HTTP });
  // Outside production the schema already refused a missing provider, so console is the default.
  return { ...env, oidcProviders, DELIVERY_PROVIDER: env.DELIVERY_PROVIDER ?? 'console' };
}

/** The per-account sign-in back-off as SignInThrottle takes it. */
export function signInThrottleSettings(env: UserEnv): SignInThrottleSettings {
  return {
    freeAttempts: env.LOGIN_BACKOFF_FREE_ATTEMPTS,
    baseDelaySeconds: env.LOGIN_BACKOFF_BASE_SECONDS,
    maxDelaySeconds: env.LOGIN_BACKOFF_MAX_SECONDS,
    windowSeconds: env.LOGIN_BACKOFF_WINDOW_SECONDS,
    noticeAfterFailures: env.LOGIN_NOTICE_AFTER_FAILURES,
  };
}

/** The grade from which a new device needs the second factor (two-factor.ts); null: never. */
export function newDeviceSecondFactorGrade(env: UserEnv): 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'CAUTION' | 'DANGER' | null {
  const setting = env.NEW_DEVICE_SECOND_FACTOR_MIN_GRADE ?? (env.NODE_ENV === 'production' ? 'SAFE' : 'OFF');
  return setting === 'OFF' ? null : setting;
}
