// Builds the user subgraph (does not listen): configuration, Prisma, Redis, delivery, outbox
// relay, services, and the Apollo subgraph on express. index.ts and tests call start/stop.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import {
  databaseAndRedisReadiness,
  DEV_ALLOWANCE_HEADER,
  DevAllowance,
  PublicBaseUrl,
  buildSubgraphServer,
  createLogger,
  createRedis,
  FieldCipher,
  groupedLoader,
  keyedLoader,
  OutboxRelay,
  type Logger,
  type RunningServer,
} from '@anshim/platform';
import { AuditRepository } from './audit-repository.ts';
import { AuthService } from './auth-service.ts';
import { ensureBootstrapAdmin } from './bootstrap-admin.ts';
import { ChallengeRepository } from './challenge-repository.ts';
import type { UserContext } from './context.ts';
import { createDatabase, type UserPrisma } from './database.ts';
import { createStorageDriver, ID_CARD_POLICY, PRODUCT_IMAGE_POLICY, publicNamespaces, localStorageSigningSecret } from '@anshim/platform/storage';
import { ConsoleDeliveryProvider, createDeliveryProvider, SplitDeliveryProvider } from './delivery/index.ts';
import { IdCardPurge } from './id-card/id-card-purge.ts';
import { IdCardRepository } from './id-card/id-card-repository.ts';
import { mountIdCardRoutes } from './id-card/id-card-routes.ts';
import { IdCardService } from './id-card/id-card-service.ts';
import { IdCardUrls } from './id-card/id-card-urls.ts';
import { OidcProviders } from './oidc/oidc-providers.ts';
import { OidcRepository } from './oidc/oidc-repository.ts';
import { mountOidcRoutes } from './oidc/oidc-routes.ts';
import { OidcService } from './oidc/oidc-service.ts';
import { mountDevMessagesRoute } from './delivery/dev-messages-route.ts';
import { loadUserEnv, signInThrottleSettings, type UserEnv } from './env.ts';
import { UserEvents } from './events/user-events.ts';
import { createUserConsumer } from './events/consumers.ts';
import { resolvers } from './resolvers/index.ts';
import { SessionRepository } from './session-repository.ts';
import { UserRepository } from './user-repository.ts';
import { UserService } from './user-service.ts';
import { GuardianRepository } from './guardian-repository.ts';
import { GuardianService } from './guardian-service.ts';
import { TokenRevocations } from './token-revocations.ts';
import { RegisterThrottle } from './register-throttle.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { VerificationService } from './verification-service.ts';

const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface UserServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

export interface UserServer {
  env: UserEnv;
  logger: Logger;
  /** The 30-day photo sweep; tests run `sweep(now)` with a chosen clock. */
  idCardPurge: IdCardPurge;
  /** Creates the bootstrap admin if configured, starts the outbox relay, then listens. */
  start(port?: number, host?: string): Promise<RunningServer>;
  /** Drains HTTP, then closes the relay, delivery, Redis and Prisma. */
  stop(): Promise<void>;
}

/** Builds everything from the environment plus `overrides` (tests pass a database, prefix, port 0). */
export async function buildUserServer(overrides: Record<string, string | undefined> = {}, options: UserServerOptions = {}): Promise<UserServer> {
  const env = loadUserEnv(overrides);
  const production = env.NODE_ENV === 'production';
  const logger = createLogger('user', env.LOG_LEVEL);
  const devAllowance = DevAllowance.load(env.NODE_ENV);
  const prisma: UserPrisma = createDatabase({ databaseUrl: env.DATABASE_URL, onQuery: options.onQuery });
  const redisSettings = { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
  const redis = createRedis(redisSettings);
  const cipher = new FieldCipher(env.DATA_ENCRYPTION_KEY);
  const relay = new OutboxRelay({ prisma, service: 'user', redis: redisSettings, logger });
  const afterCommit = () => relay.nudge();
  const delivery = createDeliveryProvider(env, redis, logger);
  // Browsers reach /auth/* through the gateway in production (USER_PUBLIC_URL); locally this process.
  const publicBaseUrl = new PublicBaseUrl(env.USER_PUBLIC_URL, env.USER_PORT);
  const storage = createStorageDriver(env, {
    publicBaseUrl: publicBaseUrl.get,
    signingSecret: localStorageSigningSecret(env.INTERNAL_SECRET),
    publicNamespaces: publicNamespaces([PRODUCT_IMAGE_POLICY, ID_CARD_POLICY]),
  });
  const idCards = new IdCardRepository(prisma);
  const idCardUrls = new IdCardUrls(env.INTERNAL_SECRET, publicBaseUrl.get);
  const idCardPurge = new IdCardPurge({ checks: idCards, storage, redis: redisSettings, logger, intervalMinutes: env.ID_CARD_PURGE_INTERVAL_MINUTES });
  const oidcProviders = new OidcProviders(env.oidcProviders, { timeoutMs: env.OIDC_TIMEOUT_MS, allowHttp: env.OIDC_ALLOW_HTTP });
  const identities = new OidcRepository(prisma);

  const users = new UserRepository(prisma);
  const sessions = new SessionRepository(prisma);
  const challenges = new ChallengeRepository(prisma);
  const guardians = new GuardianRepository(prisma);
  const audit = new AuditRepository();
  const revocations = new TokenRevocations(redis, redisSettings, logger);
  const events = new UserEvents();
  const auth = new AuthService({
    prisma,
    users,
    sessions,
    events,
    cipher,
    redis,
    jwtSecret: env.JWT_SECRET,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    logger,
    afterCommit,
    signInThrottle: new SignInThrottle(redis, delivery, signInThrottleSettings(env), logger),
    registerThrottle: new RegisterThrottle(redis, { perDomainMax: env.REGISTER_PER_DOMAIN_MAX, windowSeconds: env.REGISTER_PER_DOMAIN_WINDOW_SECONDS }, logger),
    revocations,
  });
  const idCardService = new IdCardService({
    prisma,
    users,
    checks: idCards,
    storage,
    cipher,
    urls: idCardUrls,
    events,
    audit,
    delivery,
    logger,
    afterCommit,
    retentionDays: env.ID_CARD_RETENTION_DAYS,
    photoUrlTtlSeconds: env.ID_CARD_URL_TTL_SECONDS,
  });
  const oidc = new OidcService({
    prisma,
    redis,
    users,
    identities,
    providers: oidcProviders,
    auth,
    events,
    logger,
    afterCommit,
    publicBaseUrl: publicBaseUrl.get,
    appRedirectUrl: env.OIDC_APP_REDIRECT_URL,
    jwtSecret: env.JWT_SECRET,
    emailLinkProviders: new Set(env.OIDC_EMAIL_LINK_PROVIDERS),
  });
  const services = {
    users: new UserService({ prisma, users, sessions, audit, events, cipher, revocations, afterCommit }),
    auth,
    verifications: new VerificationService({ prisma, users, challenges, delivery, events, cipher, logger, afterCommit, idCards: idCardService }),
    idCards: idCardService,
    oidc,
    guardians: new GuardianService({
      prisma, guardians, delivery, cipher,
      limits: { perMember: env.GUARDIAN_INVITES_PER_MEMBER, perNumber: env.GUARDIAN_INVITES_PER_NUMBER, windowSeconds: env.GUARDIAN_LIMIT_WINDOW_SECONDS },
    }),
  };

  // Sanctions decided in the report service (report.sanction_applied / report.sanction_ended), and
  // SMS to guardians about alerts, risky trades and accepted reports.
  const consumer = createUserConsumer({ prisma, users, sessions, audit, events, revocations, guardians, delivery, cipher, redis: redisSettings, logger, afterCommit, alertWindowSeconds: env.GUARDIAN_LIMIT_WINDOW_SECONDS });

  const server = await buildSubgraphServer<UserContext>({
    name: 'user',
    operations: {
      port: env.USER_OPS_PORT,
      host: env.OPS_HOST,
      // Codes in a browser tab instead of a phone: never where real people sign up, never on the public port.
      routes: (ops) => {
        const emailProvider = delivery instanceof SplitDeliveryProvider ? delivery.email : delivery;
        if (!production && emailProvider instanceof ConsoleDeliveryProvider) mountDevMessagesRoute(ops, emailProvider);
      },
    },
    typeDefs,
    resolvers,
    production,
    internalSecret: env.INTERNAL_SECRET,
    logger,
    buildContext: (base, headers) => ({
      ...base,
      // Forwarded by the gateway to this service only: logout revokes the token by its jti.
      authorization: typeof headers.authorization === 'string' ? headers.authorization : null,
      signedInAs: null,
      devAllowance: devAllowance.grants(headers[DEV_ALLOWANCE_HEADER]),
      loaders: {
        user: keyedLoader((ids) => users.findManyByIds(ids), (row) => row.id),
        verifications: groupedLoader((ids) => users.verificationsOf(ids), (row) => row.userId),
      },
      services,
    }),
    readiness: databaseAndRedisReadiness(prisma, redis),
    routes: (app) => {
      mountIdCardRoutes(app, { service: idCardService, urls: idCardUrls, logger });
      mountOidcRoutes(app, { service: oidc, secureCookies: () => publicBaseUrl.get().startsWith('https:'), logger });
    },
    onStop: async () => {
      await consumer.close();
      await idCardPurge.job.close();
      oidcProviders.close();
      await relay.stop();
      await delivery.close();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  });

  return {
    env,
    logger,
    idCardPurge,
    async start(port = env.USER_PORT, host = env.USER_HOST) {
      if (env.BOOTSTRAP_ADMIN_EMAIL && env.BOOTSTRAP_ADMIN_PASSWORD) {
        await ensureBootstrapAdmin(
          { prisma, users, audit, events, logger },
          { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD, nickname: env.BOOTSTRAP_ADMIN_NICKNAME },
        );
      }
      relay.start();
      consumer.start();
      await idCardPurge.job.start();
      const running = await server.start(port, host);
      publicBaseUrl.listeningOn(host, running.port);
      // `listening` with the port is what npm start and the e2e harness wait for.
      logger.info({ url: running.url, port: running.port, operationsUrl: running.operationsUrl, delivery: delivery.name }, 'listening');
      return running;
    },
    stop: () => server.stop(),
  };
}
