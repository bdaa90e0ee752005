// `npm run payments:reconcile`: compares the payment ledger with the provider's records
// (subgraphs/payment/src/reconciliation/) and prints the differences. Reads only.
//   --hours N (24): the last N hours   --from ISO --to ISO: an explicit range   --all: since the beginning
//   --json: the report as JSON on stdout
// The payment service's environment (DATABASE_URL, PAYMENT_PROVIDER, PAYMENT_PROVIDER_URL,
// PAYMENT_SECRET_KEY, …) says where to look. Exit code 0: no differences; 1: differences; 2: it
// could not run (bad arguments, the database or the provider unreachable).
import { parseArgs } from 'node:util';
import { createDatabase } from '../subgraphs/payment/src/database.ts';
import { loadPaymentEnv } from '../subgraphs/payment/src/env.ts';
import { formatReport, reconcile } from '../subgraphs/payment/src/reconciliation/reconcile.ts';
import { providerFrom } from '../subgraphs/payment/src/server.ts';

function fail(message: string): never {
  console.error(`payments:reconcile: ${message}`);
  process.exit(2);
}

let values: { hours?: string; from?: string; to?: string; all?: boolean; json?: boolean };
try {
  ({ values } = parseArgs({ options: { hours: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } } }));
} catch (error) {
  fail((error as Error).message);
}

function date(name: string, raw: string | undefined, fallback: Date): Date {
  if (raw === undefined) return fallback;
  const parsed = new Date(raw);
  if (Number.isNaN(parsed.getTime())) fail(`--${name} must be a date (ISO 8601), got "${raw}"`);
  return parsed;
}

const hours = values.hours === undefined ? 24 : Number(values.hours);
if (!(hours > 0)) fail(`--hours must be a positive number, got "${values.hours}"`);
const to = date('to', values.to, new Date());
const from = values.all ? new Date(0) : date('from', values.from, new Date(to.getTime() - hours * 3_600_000));
if (from >= to) fail('the range is empty: --from must be before --to');

const env = loadPaymentEnv({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }, 'payments-reconcile');
const prisma = createDatabase({ databaseUrl: env.DATABASE_URL });
let code = 2;
try {
  const report = await reconcile({ prisma, provider: providerFrom(env) }, { from, to });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  code = report.differences.length ? 1 : 0;
} catch (error) {
  console.error(`payments:reconcile: could not reconcile: ${(error as Error).message}`);
} finally {
  await prisma.$disconnect();
}
process.exit(code);
