// The service's Prisma client, pinned to the svc_safety schema: typed reads for the API
// (repositories only). Event handling, recalculation and the batch use raw SQL (sql-client.ts).
import { databaseFactory } from '@anshim/platform';
import { PrismaClient } from './generated/prisma/client.ts';

export type SafetyPrisma = PrismaClient;

export const createDatabase = databaseFactory(PrismaClient, 'safety');
