import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const logout: MutationResolvers['logout'] = (_parent, _args, ctx) => ctx.services.auth.logout(ctx);
