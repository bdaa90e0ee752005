import { PrismaPg } from '@prisma/adapter-pg';

/** Each service owns one PostgreSQL schema; scripts/lib/services.ts uses the same rule for migrations. */
export function postgresSchemaFor(service: string): string {
  return `svc_${service}`;
}

export interface PrismaSettings {
  databaseUrl: string;
  service: string;
  /** Pool size per process; Prisma's default is small for a busy service. */
  poolSize?: number;
}

/**
 * Builds a service's generated PrismaClient on the pg driver adapter, pinned to the service's
 * schema by search_path, so its SQL (and migrations) never reach another service's tables.
 */
export function createPrismaClient<T>(
  PrismaClient: new (options: { adapter: PrismaPg; log?: Array<{ emit: 'event'; level: 'query' }> }) => T,
  settings: PrismaSettings,
  options: { logQueries?: boolean } = {},
): T {
  const schema = postgresSchemaFor(settings.service);
  const adapter = new PrismaPg(
    { connectionString: settings.databaseUrl, options: `-c search_path=${schema}`, max: settings.poolSize ?? 10 },
    { schema },
  );
  return new PrismaClient({ adapter, ...(options.logQueries ? { log: [{ emit: 'event', level: 'query' }] } : {}) });
}
