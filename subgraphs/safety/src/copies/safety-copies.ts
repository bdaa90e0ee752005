// The projections of other services' data safety keeps, one repository per input kind, built
// together so the event handlers and the rebuild receive them as one set.
import type { SqlExecutor } from '@anshim/platform';
import { ProductRepository } from './product-repository.ts';
import { ReportInputsRepository } from './report-inputs-repository.ts';
import { RiskInputsRepository } from './risk-inputs-repository.ts';
import { TradeInputsRepository } from './trade-inputs-repository.ts';
import { UserInputsRepository } from './user-inputs-repository.ts';

export interface SafetyCopies {
  users: UserInputsRepository;
  trades: TradeInputsRepository;
  reports: ReportInputsRepository;
  risk: RiskInputsRepository;
  products: ProductRepository;
}

/** `reads`: the plain-pg client (sql-client.ts) the API's hot reads take. */
export function createCopies(reads: SqlExecutor): SafetyCopies {
  return {
    users: new UserInputsRepository(),
    trades: new TradeInputsRepository(),
    reports: new ReportInputsRepository(),
    risk: new RiskInputsRepository(),
    products: new ProductRepository(reads),
  };
}
