// `npm run seed`: fills the RUNNING system (start it with `npm start` and BOOTSTRAP_ADMIN_EMAIL/
// BOOTSTRAP_ADMIN_PASSWORD) with a demo marketplace through the gateway: safe-trade zones, ~200
// members, ~1,000 listings, trades in every state, ratings, reports in every state, conversations
// in the app's chat (small talk, and fraudsters whose messages the screening catches). Running it
// again changes nothing. Options (flags or environment):
//   --users N (SEED_USERS, 200)   --products N (SEED_PRODUCTS, 1000)   --concurrency N (SEED_CONCURRENCY, 8)
//   SEED_PASSWORD (the members' password), SEED_USER_SERVICE_URL (the user service's operations port, http://127.0.0.1:9101, for codes),
//   GATEWAY_URL, SEED_WAIT_SECONDS (90), --allow-production (SEED_ALLOW_PRODUCTION=true),
//   SEED_DEV_ALLOWANCE (default: this checkout's .data/dev-allowance-key), SEED_MAX_WAIT_SECONDS (60).
import { parseArgs } from 'node:util';
import { DEV_ALLOWANCE_FILE, readDevAllowanceKey } from '../packages/platform/src/dev-allowance.ts';
import { SeedError } from './lib/seed-client.ts';
import { DEMO_PASSWORD, seedMarketplace } from './lib/seed-marketplace.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string' },
    products: { type: 'string' },
    concurrency: { type: 'string' },
    'allow-production': { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`seed: ${name} must be a positive whole number (got "${raw}")`);
    process.exit(1);
  }
  return n;
}

const allowProduction = values['allow-production'] || process.env.SEED_ALLOW_PRODUCTION === 'true';
if (process.env.NODE_ENV === 'production' && !allowProduction) {
  console.error(
    'seed: NODE_ENV=production — refusing to create demo accounts with a published password in production. ' +
      'Pass --allow-production (or SEED_ALLOW_PRODUCTION=true) only for a throw-away demo deployment.',
  );
  process.exit(1);
}

const gatewayUrl = process.env.GATEWAY_URL || 'http://localhost:4000/graphql';
const userServiceUrl = process.env.SEED_USER_SERVICE_URL || 'http://127.0.0.1:9101';
const email = process.env.SEED_ADMIN_EMAIL || process.env.BOOTSTRAP_ADMIN_EMAIL;
const password = process.env.SEED_ADMIN_PASSWORD || process.env.BOOTSTRAP_ADMIN_PASSWORD;
if (!email || !password) {
  console.error(
    'seed: no admin credentials. Start the system with `BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… npm start`, ' +
      'then run `npm run seed` with the same BOOTSTRAP_ADMIN_* (or SEED_ADMIN_EMAIL/SEED_ADMIN_PASSWORD) set.',
  );
  process.exit(1);
}
const memberPassword = process.env.SEED_PASSWORD || DEMO_PASSWORD;
// The development system's allowance past its rate limits; without it the limits apply and the
// seed waits where it is told to (which at full scale does not fit SEED_MAX_WAIT_SECONDS). This
// checkout's key goes only to a gateway on this machine; another system's is given explicitly.
const localGateway = URL.canParse(gatewayUrl) && ['localhost', '127.0.0.1', '[::1]'].includes(new URL(gatewayUrl).hostname);
const devAllowance = process.env.SEED_DEV_ALLOWANCE || (localGateway ? readDevAllowanceKey() : null);
console.log(devAllowance
  ? `seed: sending the development allowance past the rate limits (${process.env.SEED_DEV_ALLOWANCE ? 'SEED_DEV_ALLOWANCE' : DEV_ALLOWANCE_FILE})`
  : `seed: no development allowance (${localGateway ? `${DEV_ALLOWANCE_FILE} is missing: this checkout never ran \`npm start\`` : 'the gateway is not on this machine and SEED_DEV_ALLOWANCE is not set'}); the system's rate limits apply`);

try {
  const result = await seedMarketplace({
    gatewayUrl,
    userServiceUrl,
    adminEmail: email,
    adminPassword: password,
    users: positiveInt('--users', values.users ?? process.env.SEED_USERS, 200),
    products: positiveInt('--products', values.products ?? process.env.SEED_PRODUCTS, 1000),
    concurrency: positiveInt('--concurrency', values.concurrency ?? process.env.SEED_CONCURRENCY, 8),
    password: memberPassword,
    devAllowance,
    maxWaitSeconds: positiveInt('SEED_MAX_WAIT_SECONDS', process.env.SEED_MAX_WAIT_SECONDS, 60),
    waitTimeoutMs: positiveInt('SEED_WAIT_SECONDS', process.env.SEED_WAIT_SECONDS, 90) * 1000,
    log: (line) => console.log(`seed: ${line}`),
  });
  const s = result.summary;
  const line = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => `${k} ${v}`).join(', ');
  const nothingNew = Object.values(result.created).every((n) => n === 0) && result.zones.created + result.zones.updated === 0;
  console.log(`
Demo marketplace ready in ${result.seconds.toFixed(1)} s${nothingNew ? ' (already complete: nothing created)' : ''}
  members   ${s.users}: ${line(s.usersByGrade)}${s.unexpectedGrades ? ` (${s.unexpectedGrades} not at their planned grade)` : ''}
  products  ${s.products}: ${line(s.productsByStatus)}
  trades    ${s.trades}: ${line(s.tradesByStatus)}
  reports   ${s.reports}: ${line(s.reportsByStatus)}
  alerts    ${s.alerts}: ${line(s.alertsByRule)}
  chats     ${s.chats.conversations} conversations, ${s.chats.messages} messages: ${s.chats.withWarnings} reached the buyer with a warning (${line(s.chats.warningsByCode)}), ${s.chats.masked} masked

Admin:      ${email} (the password you gave as BOOTSTRAP_ADMIN_PASSWORD / SEED_ADMIN_PASSWORD)
Members (password "${memberPassword}"):
${result.examples.map((e) => `  ${e.email.padEnd(26)} ${e.nickname} — ${e.role}${e.grade ? ` [${e.grade}]` : ''}`).join('\n')}
  … and demo001 to demo${String(s.users).padStart(3, '0')}@demo.anshim.kr
GraphQL:    ${gatewayUrl}`);
} catch (error) {
  console.error(`seed: ${error instanceof SeedError ? error.message : ((error as Error).stack ?? String(error))}`);
  process.exit(1);
}
