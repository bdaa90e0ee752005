import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const login: MutationResolvers['login'] = (_parent, { email, password }, ctx) => ctx.services.auth.login(ctx, email, password);
