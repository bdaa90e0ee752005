import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const refreshToken: MutationResolvers['refreshToken'] = (_parent, args, ctx) => ctx.services.auth.refresh(ctx, args.refreshToken);
