// The service's Prisma client, pinned to the svc_safety schema: typed reads for the API
// (repositories only). Event handling, recalculation and the batch use raw SQL (sql-client.ts).
import { createPrismaClient } from '@anshim/platform';
import { PrismaClient } from './generated/prisma/client.ts';

export type SafetyPrisma = PrismaClient;

export function createDatabase(options: { databaseUrl: string; poolSize?: number }): SafetyPrisma {
  return createPrismaClient(PrismaClient, { databaseUrl: options.databaseUrl, service: 'safety', poolSize: options.poolSize });
}
