// Account security: two-factor sign-in, password reset and change, sessions. One-line delegations.
import type { MutationResolvers, UserResolvers } from '../generated/resolvers-types.ts';
import { isSelf } from '../scope.ts';

export const signIn: MutationResolvers['signIn'] = (_parent, { email, password }, ctx) => ctx.services.twoFactor.signIn(ctx, email, password);
export const completeSignIn: MutationResolvers['completeSignIn'] = (_parent, { challengeId, code }, ctx) => ctx.services.twoFactor.completeSignIn(ctx, challengeId, code);
export const setTwoFactor: MutationResolvers['setTwoFactor'] = (_parent, { enabled, password }, ctx) => ctx.services.twoFactor.setTwoFactor(ctx, enabled, password);
export const requestPasswordReset: MutationResolvers['requestPasswordReset'] = (_parent, { email }, ctx) => ctx.services.passwords.request(ctx, email);
export const resetPassword: MutationResolvers['resetPassword'] = (_parent, { email, code, newPassword }, ctx) => ctx.services.passwords.reset(ctx, email, code, newPassword);
export const changePassword: MutationResolvers['changePassword'] = (_parent, { currentPassword, newPassword }, ctx) =>
  ctx.services.passwords.change(ctx, currentPassword, newPassword);
export const revokeSession: MutationResolvers['revokeSession'] = (_parent, { id }, ctx) => ctx.services.sessions.revoke(ctx, id);

/** User fields of account security: the member themself only. */
export const accountFields: Pick<UserResolvers, 'twoFactorEnabled' | 'sessions' | 'sessionCount'> = {
  twoFactorEnabled: (user, _args, ctx) => isSelf(ctx, user.id) && user.twoFactorEnabled,
  sessions: (user, _args, ctx) => ctx.services.sessions.listOf(ctx, user),
  sessionCount: (user, _args, ctx) => ctx.services.sessions.countOf(ctx, user),
};
