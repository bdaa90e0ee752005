// The signed-in user's score, pushed on every recalculation (Redis channel → graphql-ws).
import type { SubscriptionResolvers } from '../generated/resolvers-types.ts';
import type { ScoreRecord } from '../model.ts';

export const mySafetyScore: SubscriptionResolvers['mySafetyScore'] = {
  subscribe: (_parent, _args, ctx) => ctx.services.score.subscribe(ctx),
  resolve: (record: ScoreRecord) => record,
};
