import { DateTimeScalar, JSONScalar } from '@anshim/platform';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { acknowledgeRiskAlert } from './acknowledge-risk-alert.ts';
import { Product } from './product-type.ts';
import { recordActivity } from './record-activity.ts';
import { RiskAlert } from './risk-alert-type.ts';
import { recentRiskAlerts, riskAlerts } from './risk-alerts.ts';
import { Subscription } from './subscription.ts';
import { takeRiskAction } from './take-risk-action.ts';
import { User } from './user-type.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: { riskAlerts, recentRiskAlerts, riskAlertsByRule: (_parent, { days }, ctx) => ctx.services.dashboard.byRuleByDay(ctx, days), auditLog: (_parent, args, ctx) => ctx.services.auditLog.page(ctx, args) },
  AdminAuditEntry: { actor: (entry) => (entry.actorId ? { id: entry.actorId } : null) },
  Mutation: { recordActivity, takeRiskAction, acknowledgeRiskAlert },
  Subscription,
  RiskAlert,
  User,
  Product,
};
