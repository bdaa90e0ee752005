// Leaving: the member deletes their own account with their password.
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const deleteAccount: MutationResolvers['deleteAccount'] = (_parent, { password }, ctx) => ctx.services.deletion.delete(ctx, password);
