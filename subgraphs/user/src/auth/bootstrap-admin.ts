// BOOTSTRAP_ADMIN_EMAIL/PASSWORD: a development convenience that creates the first ADMIN at
// start when that email has no account yet. Idempotent, and safe when several replicas start
// at once (the unique email decides). An existing non-admin account is never promoted: whoever
// registered that email first must not become an administrator by a restart.
import type { Logger } from '@anshim/platform';
import type { AuditRepository } from '../audit/audit-repository.ts';
import { transaction, type UserPrisma } from '../database.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import { UniqueViolation, type UserRepository } from '../users/user-repository.ts';
import { hashPassword } from './password.ts';

export interface BootstrapAdminDeps {
  prisma: UserPrisma;
  users: UserRepository;
  audit: AuditRepository;
  events: UserEvents;
  logger: Logger;
}

export type BootstrapOutcome = 'created' | 'exists' | 'not-admin';

export async function ensureBootstrapAdmin(
  deps: BootstrapAdminDeps,
  admin: { email: string; password: string; nickname: string },
): Promise<BootstrapOutcome> {
  const existing = await deps.users.findByEmail(admin.email);
  if (existing) {
    if (existing.role === 'ADMIN') return 'exists';
    deps.logger.warn({ userId: existing.id }, 'BOOTSTRAP_ADMIN_EMAIL belongs to a non-admin account; not promoting it');
    return 'not-admin';
  }
  const passwordHash = await hashPassword(admin.password);
  try {
    const created = await transaction(deps.prisma, async (tx) => {
      const user = await deps.users.create(tx, {
        email: admin.email,
        passwordHash,
        nickname: admin.nickname,
        phoneEncrypted: null,
        phoneHash: null,
        role: 'ADMIN',
      });
      await deps.audit.record(tx, { actorId: null, action: 'admin.bootstrapped', subjectId: user.id, after: { email: admin.email, role: 'ADMIN' } });
      await deps.events.registered(tx, user);
      return user;
    });
    deps.logger.info({ userId: created.id }, 'bootstrap admin created');
    return 'created';
  } catch (error) {
    if (error instanceof UniqueViolation) return 'exists'; // another replica won the race
    throw error;
  }
}
