// A history entry: the reason in the request's language, and the member it belongs to as a User reference.
import type { SafetyScoreChangeResolvers } from '../generated/resolvers-types.ts';

export const SafetyScoreChange: SafetyScoreChangeResolvers = {
  reason: (change, _args, ctx) => change.reason[ctx.locale],
  user: (change) => ({ id: change.userId }),
};
