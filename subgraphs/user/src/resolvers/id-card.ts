// ID card checks: the user's own latest check, the ADMIN queue and decision, and the check's fields.
import type { IdCardCheckResolvers, MutationResolvers, QueryResolvers } from '../generated/resolvers-types.ts';

export const myIdCardCheck: QueryResolvers['myIdCardCheck'] = (_parent, _args, ctx) => ctx.services.idCards.mine(ctx);

export const pendingIdCardChecks: QueryResolvers['pendingIdCardChecks'] = (_parent, { first }, ctx) => ctx.services.idCards.pending(ctx, first ?? 20);

export const decideIdCardCheck: MutationResolvers['decideIdCardCheck'] = (_parent, { id, decision, reason }, ctx) =>
  ctx.services.idCards.decide(ctx, id, decision, reason);

export const IdCardCheck: IdCardCheckResolvers = {
  user: async (check, _args, ctx) => (await ctx.loaders.user.load(check.userId))!,
  photoUrl: (check, _args, ctx) => ctx.services.idCards.photoUrl(ctx, check),
  photoDeleteAfter: (check) => check.purgeAfter,
};
