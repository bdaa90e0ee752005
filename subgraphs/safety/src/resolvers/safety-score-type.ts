// Factor descriptions are stored in both languages; the request's locale picks one.
import type { SafetyFactorResolvers } from '../generated/resolvers-types.ts';

export const SafetyFactor: SafetyFactorResolvers = {
  description: (factor, _args, ctx) => factor.description[ctx.locale],
};
