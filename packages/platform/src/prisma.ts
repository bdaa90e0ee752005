import { PrismaPg } from '@prisma/adapter-pg';

/** Each service owns one PostgreSQL schema; scripts/lib/services.ts uses the same rule for migrations. */
export function postgresSchemaFor(service: string): string {
  return `svc_${service}`;
}

/** What a service's database.ts is given: where its database is, and for tests a query listener. */
export interface DatabaseOptions {
  databaseUrl: string;
  /** Pool size per process; Prisma's default is small for a busy service. */
  poolSize?: number;
  /** Called with every SQL statement (tests count queries to prove batching). */
  onQuery?: (sql: string) => void;
}

export interface PrismaSettings extends DatabaseOptions {
  service: string;
}

/**
 * Builds a service's generated PrismaClient on the pg driver adapter, pinned to the service's
 * schema by search_path, so its SQL (and migrations) never reach another service's tables.
 */
export function createPrismaClient<T>(
  PrismaClient: new (options: { adapter: PrismaPg; log?: Array<{ emit: 'event'; level: 'query' }> }) => T,
  settings: PrismaSettings,
): T {
  const schema = postgresSchemaFor(settings.service);
  const adapter = new PrismaPg(
    { connectionString: settings.databaseUrl, options: `-c search_path=${schema}`, max: settings.poolSize ?? 10 },
    { schema },
  );
  const { onQuery } = settings;
  const client = new PrismaClient({ adapter, ...(onQuery ? { log: [{ emit: 'event', level: 'query' }] } : {}) });
  // The generated type only allows $on for log levels given at construction; we passed 'query'.
  if (onQuery) (client as unknown as { $on(event: 'query', cb: (e: { query: string }) => void): void }).$on('query', (e) => onQuery(e.query));
  return client;
}

/**
 * A service's `createDatabase`: its generated PrismaClient on its own schema, given the database
 * URL and, for tests, a query listener (`export const createDatabase = databaseFactory(PrismaClient, 'monitor')`).
 */
export function databaseFactory<T>(PrismaClient: Parameters<typeof createPrismaClient<T>>[0], service: string): (options: DatabaseOptions) => T {
  return (options) => createPrismaClient(PrismaClient, { ...options, service });
}
