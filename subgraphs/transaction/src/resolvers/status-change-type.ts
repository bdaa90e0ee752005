import type { TransactionStatusChangeResolvers } from '../generated/resolvers-types.ts';

export const TransactionStatusChange: TransactionStatusChangeResolvers = {
  from: (change) => change.fromStatus,
  to: (change) => change.toStatus,
  by: (change) => ({ id: change.byId }),
};
