// Fields of User. Private ones (email, whole phone, settings) are decided by the service.
import type { UserResolvers } from '../generated/resolvers-types.ts';
import { accountFields } from './accounts.ts';

export const User: UserResolvers = {
  // Batched: the gateway's `_entities` for many users becomes one SQL query per request.
  __resolveReference: (reference, ctx) => ctx.services.users.byId(ctx, reference.id),
  email: (user, _args, ctx) => ctx.services.users.email(ctx, user),
  phone: (user, _args, ctx) => ctx.services.users.phone(ctx, user),
  pendingPhone: (user, _args, ctx) => ctx.services.users.pendingPhone(ctx, user),
  status: (user, _args, ctx) => ctx.services.users.status(user),
  statusUntil: (user, _args, ctx) => ctx.services.users.statusUntil(ctx, user),
  minCounterpartGrade: (user, _args, ctx) => ctx.services.users.minCounterpartGrade(ctx, user),
  verificationRequirement: (user, _args, ctx) => ctx.services.users.verificationRequirement(ctx, user),
  protectChats: (user, _args, ctx) => ctx.services.users.protectChats(ctx, user),
  verifications: (user, _args, ctx) => ctx.services.users.verifications(ctx, user),
  profileCompleteness: (user, _args, ctx) => ctx.services.users.completeness(ctx, user),
  guardians: (user, _args, ctx) => ctx.services.guardians.listOf(ctx, user),
  linkedIdentities: (user, _args, ctx) => ctx.services.oidc.linkedOf(ctx, user.id),
  ...accountFields,
};
