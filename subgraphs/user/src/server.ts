// Builds the user subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// Prisma, Redis, the outbox relay, the Apollo subgraph and the start and stop order. Here: delivery,
// the ID card photo storage, the services, the /auth/* routes (ID card, OIDC), /internal/user-facts, the development
// messages route on the operations port, the event consumer, the ID card purge job and the
// bootstrap admin. Composition only. index.ts and tests call start/stop.
import { defineSubgraph, DevAllowance, FieldCipher, mountInternalRoute, PlainSql, PublicBaseUrl, type SubgraphServer } from '@anshim/platform';
import { parseUserFactsRequest, USER_FACTS_ROUTE } from '@anshim/contracts';
import { openSubgraphStorage, ID_CARD_POLICY, PRODUCT_IMAGE_POLICY, PROFILE_PHOTO_POLICY, Uploads, type UploadSweep } from '@anshim/platform/storage';
import { AuditRepository } from './audit/audit-repository.ts';
import { AuthService } from './auth/auth-service.ts';
import { ensureBootstrapAdmin } from './auth/bootstrap-admin.ts';
import { RegisterThrottle } from './auth/register-throttle.ts';
import { SessionRepository } from './auth/session-repository.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { TokenRevocations } from './auth/token-revocations.ts';
import { contextBuilder } from './context.ts';
import { CounterpartRepository } from './copies/counterpart-repository.ts';
import { createDatabase, type UserPrisma } from './database.ts';
import { ConsoleDeliveryProvider, createDeliveryProvider, SplitDeliveryProvider } from './delivery/index.ts';
import { CountedDeliveryProvider } from './delivery/counted-provider.ts';
import { OutboundRepository } from './delivery/outbound-repository.ts';
import { OutboundSender, outboundSenderSettings } from './delivery/outbound-sender.ts';
import { mountDevMessagesRoute } from './delivery/dev-messages-route.ts';
import { loadUserEnv, newDeviceSecondFactorGrade, signInThrottleSettings, type UserEnv } from './env.ts';
import { wireAccountSecurity } from './auth/account-security.ts';
import { AccountNotices } from './auth/account-notices.ts';
import { GuardianRepository } from './guardians/guardian-repository.ts';
import { GuardianService } from './guardians/guardian-service.ts';
import { IdCardRepository } from './id-card/id-card-repository.ts';
import { mountIdCardRoutes } from './id-card/id-card-routes.ts';
import { IdCardService } from './id-card/id-card-service.ts';
import { IdCardUrls } from './id-card/id-card-urls.ts';
import { createUserConsumer } from './inbound/consumers.ts';
import { IdCardPurge } from './jobs/id-card-purge.ts';
import { OidcProviders } from './oidc/oidc-providers.ts';
import { OidcRepository } from './oidc/oidc-repository.ts';
import { mountOidcRoutes } from './oidc/oidc-routes.ts';
import { OidcService } from './oidc/oidc-service.ts';
import { UserEvents } from './outbound/user-events.ts';
import { KnownDeviceRepository } from './auth/known-device-repository.ts';
import { SignInRecorder } from './auth/sign-in-record.ts';
import { resolvers } from './resolvers/index.ts';
import { UserRepository } from './users/user-repository.ts';
import { userFacts } from './users/user-facts.ts';
import { UserService } from './users/user-service.ts';
import { ChallengeRepository } from './verification/challenge-repository.ts';
import { RequirementRepository } from './verification/requirement-repository.ts';
import { VerificationRequirements } from './verification/verification-requirements.ts';
import { VerificationService } from './verification/verification-service.ts';
import { OidcSignUps } from './oidc/oidc-sign-up.ts';
import { AccountDeletionService } from './users/account-deletion.ts';
import { StatusHistoryService } from './users/status-history.ts';
import { StatusHistoryRepository } from './audit/status-history-repository.ts';
import { AccountDeletionRepository } from './users/account-deletion-repository.ts';
import { ProfilePhotoService } from './users/profile-photo.ts';
import { ProfilePhotoRepository } from './users/profile-photo-repository.ts';

export interface UserServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

/**
 * Started: the bootstrap admin (if configured), relay, event consumer, ID card purge, then HTTP;
 * stopped the other way round. `idCardPurge` is the 30-day photo sweep; tests run `sweep(now)`
 * with a chosen clock.
 */
export type UserServer = SubgraphServer<UserEnv, UserPrisma, { idCardPurge: IdCardPurge; uploadSweep: UploadSweep; outboundSender: OutboundSender }>;

/** Builds everything from the environment plus `overrides` (tests pass a database, prefix, port 0). */
export async function buildUserServer(overrides: Record<string, string | undefined> = {}, options: UserServerOptions = {}): Promise<UserServer> {
  return defineSubgraph({
    name: 'user',
    env: loadUserEnv(overrides),
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl, onQuery: options.onQuery }),
    compose: (parts) => {
      const { env, logger, prisma, redis, redisSettings, afterCommit, production, metrics } = parts;
      const cipher = new FieldCipher(env.DATA_ENCRYPTION_KEY);
      const provider = createDeliveryProvider(env, redis, logger);
      // Every send counts (anshim_delivery_total); what event handlers owe people waits in outbound_messages.
      const delivery = new CountedDeliveryProvider(provider, metrics);
      const outboundMessages = new OutboundRepository(prisma, env.REDIS_PREFIX);
      const outboundSender = new OutboundSender({ repository: outboundMessages, delivery, cipher, redis: redisSettings, logger, metrics, settings: outboundSenderSettings(env) });
      // Browsers reach /auth/* through the gateway in production (USER_PUBLIC_URL); locally this process.
      // Stored files (profile photos) are reached through the gateway at <USER_PUBLIC_URL>/user/files
      // (FILE_PASS_THROUGH_SUBGRAPHS), the /auth routes at <USER_PUBLIC_URL>/auth: two base URLs.
      const filesUrl = env.USER_PUBLIC_URL ? `${env.USER_PUBLIC_URL.replace(/\/$/, '')}/user` : undefined;
      const storage = openSubgraphStorage(parts, { publicUrl: filesUrl, port: env.USER_PORT, publicPolicies: [PRODUCT_IMAGE_POLICY, ID_CARD_POLICY, PROFILE_PHOTO_POLICY] });
      const authBaseUrl = new PublicBaseUrl(env.USER_PUBLIC_URL, env.USER_PORT);
      const publicBaseUrl = authBaseUrl.get;
      const idCards = new IdCardRepository(prisma);
      const idCardUrls = new IdCardUrls(env.INTERNAL_SECRET, publicBaseUrl);
      const idCardPurge = new IdCardPurge({ checks: idCards, storage: storage.driver, redis: redisSettings, logger, intervalMinutes: env.ID_CARD_PURGE_INTERVAL_MINUTES });
      const oidcProviders = new OidcProviders(env.oidcProviders, { timeoutMs: env.OIDC_TIMEOUT_MS, allowHttp: env.OIDC_ALLOW_HTTP });

      // The batched `_entities` read runs on plain pg (user-repository.ts says why).
      const reads = new PlainSql({ databaseUrl: env.DATABASE_URL, service: 'user', poolSize: 4, onQuery: options.onQuery });
      const users = new UserRepository(prisma, reads);
      const sessions = new SessionRepository(prisma);
      const guardians = new GuardianRepository(prisma);
      const audit = new AuditRepository();
      const revocations = new TokenRevocations(redis, redisSettings, logger);
      const events = new UserEvents();
      const requirements = new VerificationRequirements(new RequirementRepository(prisma), events);
      const signIns = new SignInRecorder({ devices: new KnownDeviceRepository(), events });
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
        signIns,
      });
      // Two-factor sign-in, password reset and change, sessions (auth/account-security.ts).
      const accountSecurity = wireAccountSecurity({
        prisma, redis, users, sessions, revocations, auth, delivery, cipher, logger, afterCommit, audit,
        notices: new AccountNotices({ outbound: outboundMessages, cipher, nudge: () => outboundSender.nudge() }),
        jwtSecret: env.JWT_SECRET,
        twoFactor: { production, newDeviceMinGrade: newDeviceSecondFactorGrade(env) },
        passwordReset: { perEmail: env.PASSWORD_RESET_PER_EMAIL, perAddress: env.PASSWORD_RESET_PER_ADDRESS, windowSeconds: env.PASSWORD_RESET_WINDOW_SECONDS },
      });
      const idCardService = new IdCardService({
        prisma,
        users,
        checks: idCards,
        storage: storage.driver,
        cipher,
        urls: idCardUrls,
        events,
        audit,
        delivery,
        logger,
        afterCommit,
        requirements,
        retentionDays: env.ID_CARD_RETENTION_DAYS,
        photoUrlTtlSeconds: env.ID_CARD_URL_TTL_SECONDS,
      });
      const accounts = new AccountDeletionRepository(prisma);
      const photoRows = new ProfilePhotoRepository(prisma);
      const uploads = new Uploads(storage.driver, { tickets: storage.tickets });
      const photos = new ProfilePhotoService({ prisma, uploads, photos: photoRows, users, afterCommit });
      const uploadSweep = storage.sweep('user', [{ policy: PROFILE_PHOTO_POLICY, attachedAmong: (keys) => photos.attachedAmong(keys) }]);
      const identities = new OidcRepository(prisma);
      const oidcSignUps = new OidcSignUps({
        prisma, redis, users, identities, accounts, auth, signIns, events, audit, afterCommit, providers: new Set(env.OIDC_SIGNUP_PROVIDERS),
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
        publicBaseUrl,
        appRedirectUrl: env.OIDC_APP_REDIRECT_URL,
        jwtSecret: env.JWT_SECRET,
        emailLinkProviders: new Set(env.OIDC_EMAIL_LINK_PROVIDERS),
        signUps: oidcSignUps,
      });
      const services = {
        users: new UserService({ prisma, users, sessions, audit, events, cipher, revocations, requirements, afterCommit }),
        auth,
        verifications: new VerificationService({ prisma, users, challenges: new ChallengeRepository(prisma), delivery, events, cipher, logger, afterCommit, idCards: idCardService, requirements }),
        idCards: idCardService,
        oidc,
        ...accountSecurity,
        oidcSignUps,
        photos,
        deletion: new AccountDeletionService({
          prisma, deletions: accounts, photos: photoRows, audit, events, revocations, afterCommit, removeFiles: (keys) => uploads.discard(keys),
        }),
        statusHistory: new StatusHistoryService({ history: new StatusHistoryRepository(prisma) }),
        guardians: new GuardianService({
          prisma, guardians, delivery, cipher,
          limits: { perMember: env.GUARDIAN_INVITES_PER_MEMBER, perNumber: env.GUARDIAN_INVITES_PER_NUMBER, windowSeconds: env.GUARDIAN_LIMIT_WINDOW_SECONDS },
        }),
      };

      return {
        context: contextBuilder({ services, users, devAllowance: DevAllowance.load(env.NODE_ENV) }),
        routes: (app) => {
          mountIdCardRoutes(app, { service: idCardService, urls: idCardUrls, logger });
          storage.mountLocalRoutes(app);
          mountOidcRoutes(app, { service: oidc, secureCookies: () => publicBaseUrl().startsWith('https:'), logger });
          // Read-your-writes for the copies elsewhere (services only, signed; never routed by the gateway).
          mountInternalRoute(app, USER_FACTS_ROUTE, { logger, callers: ['transaction', 'report', 'chat', 'payment', 'monitor'], parse: parseUserFactsRequest, handle: (ids) => userFacts(users, guardians, ids) });
        },
        // Codes in a browser tab instead of a phone: never where real people sign up, never on the public port.
        operationsRoutes: (ops) => {
          const emailProvider = provider instanceof SplitDeliveryProvider ? provider.email : provider;
          if (!production && emailProvider instanceof ConsoleDeliveryProvider) mountDevMessagesRoute(ops, emailProvider);
        },
        // Sanctions decided in the report service (report.sanction_applied / report.sanction_ended), and
        // SMS to guardians about alerts, risky trades and accepted reports.
        consumer: createUserConsumer({
          prisma, users, sessions, audit, events, revocations, guardians, counterparts: new CounterpartRepository(), requirements,
          outbound: { repository: outboundMessages, nudge: () => outboundSender.nudge() },
          redis: redisSettings, logger, afterCommit, alertWindowSeconds: env.GUARDIAN_LIMIT_WINDOW_SECONDS,
          internalSecret: env.INTERNAL_SECRET, approvalUrl: env.GUARDIAN_APPROVAL_URL,
        }),
        jobs: [idCardPurge.job, uploadSweep.job, outboundSender.job],
        closing: [() => oidcProviders.close(), () => delivery.close(), () => reads.end()],
        prepare: async () => {
          if (!env.BOOTSTRAP_ADMIN_EMAIL || !env.BOOTSTRAP_ADMIN_PASSWORD) return;
          await ensureBootstrapAdmin(
            { prisma, users, audit, events, logger },
            { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD, nickname: env.BOOTSTRAP_ADMIN_NICKNAME },
          );
        },
        onListening: (running, host) => {
          storage.onListening(running, host);
          authBaseUrl.listeningOn(host, running.port);
        },
        listeningDetails: { delivery: delivery.name },
        expose: { idCardPurge, uploadSweep, outboundSender },
      };
    },
  });
}
