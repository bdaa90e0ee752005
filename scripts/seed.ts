// `npm run seed`: demo data through the RUNNING system's gateway (start it with `npm start` and
// BOOTSTRAP_ADMIN_EMAIL/BOOTSTRAP_ADMIN_PASSWORD). For now: the safe-trade zones of Seoul and Busan.
import { SeedError, seedZones } from './lib/seed-zones.ts';

const gatewayUrl = process.env.GATEWAY_URL || 'http://localhost:4000/graphql';
const email = process.env.SEED_ADMIN_EMAIL || process.env.BOOTSTRAP_ADMIN_EMAIL;
const password = process.env.SEED_ADMIN_PASSWORD || process.env.BOOTSTRAP_ADMIN_PASSWORD;

if (!email || !password) {
  console.error(
    'seed: no admin credentials. Start the system with `BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… npm start`, ' +
      'then run `npm run seed` with the same BOOTSTRAP_ADMIN_* (or SEED_ADMIN_EMAIL/SEED_ADMIN_PASSWORD) set.',
  );
  process.exit(1);
}

try {
  await seedZones({ gatewayUrl, email, password, log: (line) => console.log(`seed: ${line}`) });
} catch (error) {
  console.error(`seed: ${error instanceof SeedError ? error.message : (error as Error).stack ?? String(error)}`);
  process.exit(1);
}
