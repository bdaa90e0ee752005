// Per-request DataLoaders, so a page of users (the gateway's `_entities`, nested users) asks
// PostgreSQL once, not once per user.
import { groupedLoader, keyedLoader } from '@anshim/platform';
import type { UserRecord, VerificationRecord } from './model.ts';
import type { UserRepository } from './users/user-repository.ts';

export interface UserLoaders {
  user: ReturnType<typeof keyedLoader<string, UserRecord>>;
  verifications: ReturnType<typeof groupedLoader<string, VerificationRecord>>;
}

export function createLoaders(users: UserRepository): UserLoaders {
  return {
    user: keyedLoader((ids) => users.findManyByIds(ids), (row) => row.id),
    verifications: groupedLoader((ids) => users.verificationsOf(ids), (row) => row.userId),
  };
}
