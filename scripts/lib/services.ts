import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../packages/platform/src/env.ts';

export const repoRoot = projectRoot;
export const defaultPrismaRoot = join(repoRoot, 'prisma');

/**
 * Each service owns one PostgreSQL schema, so their `_prisma_migrations` tables never collide.
 * Must stay identical to postgresSchemaFor in packages/platform/src/prisma.ts (runtime clients).
 */
export function postgresSchemaFor(service: string): string {
  return `svc_${service}`;
}

/** A service exists as soon as `prisma/<service>/schema.prisma` does; no list to keep in sync. */
export function listServices(prismaRoot: string = defaultPrismaRoot): string[] {
  if (!existsSync(prismaRoot)) return [];
  return readdirSync(prismaRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(prismaRoot, entry.name, 'schema.prisma')))
    .map((entry) => entry.name)
    .sort();
}
