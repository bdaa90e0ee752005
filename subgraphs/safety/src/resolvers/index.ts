// The safety subgraph's resolver map, grouped by root type and entity; each field delegates to one service call.
import type { Resolvers } from '../generated/resolvers-types.ts';
import { DateTimeScalar } from '@anshim/platform';
import { mySafetyScore } from './my-safety-score.ts';
import { Product } from './product-type.ts';
import { recalculateSafetyScore } from './recalculate-safety-score.ts';
import { safetyDashboard, SafetyDashboard } from './safety-dashboard.ts';
import { SafetyScoreChange } from './safety-score-change-type.ts';
import { SafetyFactor, SafetyScore } from './safety-score-type.ts';
import { User } from './user-type.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { safetyDashboard },
  Mutation: { recalculateSafetyScore },
  Subscription: { mySafetyScore },
  User,
  Product,
  SafetyScore,
  SafetyFactor,
  SafetyScoreChange,
  SafetyDashboard,
};
