// What every resolver receives: the request scope plus this service's services. Composition only;
// services never import this file.
import type { RedisChannelHub, RequestContext } from '@anshim/platform';
import type { ApprovalRepository } from './guardian-approval/approval-repository.ts';
import type { GuardianApprovals } from './guardian-approval/guardian-approvals.ts';
import { createLoaders } from './loaders.ts';
import type { PaymentRepository } from './payments/payment-repository.ts';
import type { PaymentService } from './payments/payment-service.ts';
import type { PaymentScope } from './scope.ts';

export interface PaymentServices {
  payments: PaymentService;
  approvals: GuardianApprovals;
}

export interface PaymentContext extends PaymentScope {
  services: PaymentServices;
}

export function contextBuilder(parts: { services: PaymentServices; payments: PaymentRepository; approvals: ApprovalRepository; hub: RedisChannelHub }): (base: RequestContext) => PaymentContext {
  return (base) => ({ ...base, services: parts.services, hub: parts.hub, loaders: createLoaders(parts.payments, parts.approvals) });
}
