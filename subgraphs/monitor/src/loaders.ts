// Per-request DataLoaders, so a page of products asks PostgreSQL once, not once per product.
import { groupedLoader } from '@anshim/platform';
import type { AlertRepository } from './alerts/alert-repository.ts';

export interface MonitorLoaders {
  /** Rules of recent alerts per product (Product.riskWarnings for a page of products: one query). */
  productAlertRules: ReturnType<typeof groupedLoader<string, { productId: string; rule: string }>>;
}

/** `warningsSince`: alerts newer than this still warn on their product (asked at each batch). */
export function createLoaders(alerts: AlertRepository, warningsSince: () => Date): MonitorLoaders {
  return {
    productAlertRules: groupedLoader((ids) => alerts.rulesByProducts(ids, warningsSince()), (row) => row.productId),
  };
}
