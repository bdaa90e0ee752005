import type { SafetyScoreChangeResolvers } from '../generated/resolvers-types.ts';

export const SafetyScoreChange: SafetyScoreChangeResolvers = {
  reason: (change, _args, ctx) => change.reason[ctx.locale],
  user: (change) => ({ id: change.userId }),
};
