// Factor descriptions are stored in both languages; the request's locale picks one. Which factors a
// caller sees is the service's rule (the member and ADMINs: all; others: public ones).
import type { SafetyFactorResolvers, SafetyScoreResolvers } from '../generated/resolvers-types.ts';

export const SafetyScore: SafetyScoreResolvers = {
  factors: (score, _args, ctx) => ctx.services.score.factors(ctx, score),
};

export const SafetyFactor: SafetyFactorResolvers = {
  description: (factor, _args, ctx) => factor.description[ctx.locale],
};
