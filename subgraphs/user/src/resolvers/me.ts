import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const me: QueryResolvers['me'] = (_parent, _args, ctx) => ctx.services.users.me(ctx);
