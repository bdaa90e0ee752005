import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const register: MutationResolvers['register'] = (_parent, { input }, ctx) => ctx.services.auth.register(ctx, input);
