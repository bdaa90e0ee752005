// seed: how long `npm run seed` takes at full scale (200 members, 1,000 listings) against a fresh
// system — every subgraph, the safety worker and the gateway as real processes on free ports, a
// throw-away database — and how long the second, do-nothing run takes.
//   node --import tsx bench/seed.ts [users] [products]     (or: npm run bench seed; default 200 1000)
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { seedMarketplace } from '../scripts/lib/seed-marketplace.ts';
import { createBenchDatabase } from '../subgraphs/safety/test/support/bench-database.ts';
import { ownerUrls, startTiers } from '../test/support/owners.ts';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';

const SUBGRAPHS = ['user', 'transaction', 'safety', 'report', 'monitor', 'chat'];

export async function run(users = 200, products = 1000): Promise<{ firstSeconds: number; secondSeconds: number }> {
  const db = await createBenchDatabase();
  const adminEmail = 'bench-admin@anshim.test';
  const adminPassword = randomBytes(12).toString('hex');
  const env: Record<string, string> = {
    DATABASE_URL: db.databaseUrl,
    REDIS_URL: db.redisUrl,
    REDIS_PREFIX: db.redisPrefix,
    INTERNAL_SECRET: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    DEV_MESSAGES_KEEP: '2000',
    LOG_LEVEL: 'info',
  };
  const processes: StartedProcess[] = [];
  try {
    // Owners first (port 0), so the services reading from them get their real URLs (test/support/owners.ts).
    const started: StartedProcess[] = [];
    const ownerUrlsSoFar: Record<string, string> = {};
    for (const tier of startTiers(SUBGRAPHS.map(String))) {
      const tierStarted = await Promise.all(
        tier.map((name) => startProcess(name, `subgraphs/${name}/src/index.ts`, { ...ownerUrls(name, ownerUrlsSoFar), ...env, [`${name.toUpperCase()}_PORT`]: '0', [`${name.toUpperCase()}_OPS_PORT`]: '0' }, { timeoutMs: 300_000 })),
      );
      for (const p of tierStarted) ownerUrlsSoFar[p.name] = `http://127.0.0.1:${p.port}/graphql`;
      started.push(...tierStarted);
      processes.push(...tierStarted);
    }
    processes.push(await startProcess('safety-worker', 'subgraphs/safety/src/workers/index.ts', env, { readyMessage: 'ready', timeoutMs: 300_000 }));
    const urls = Object.fromEntries(started.map((p) => [p.name, `http://127.0.0.1:${p.port}/graphql`]));
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', { ...env, GATEWAY_PORT: '0', GATEWAY_OPS_PORT: '0', SUBGRAPH_URLS: JSON.stringify(urls) }, { timeoutMs: 300_000 });
    processes.push(gateway);
    const options = {
      gatewayUrl: `http://127.0.0.1:${gateway.port}/graphql`,
      userServiceUrl: started.find((p) => p.name === 'user')!.operationsUrl!,
      adminEmail,
      adminPassword,
      users,
      products,
      log: (line: string) => console.log(`  ${line}`),
    };
    const first = await seedMarketplace(options);
    console.log(`first run:  ${first.seconds.toFixed(1)} s for ${users} members / ${products} listings`, JSON.stringify(first.summary));
    const second = await seedMarketplace({ ...options, log: () => {} });
    console.log(`second run: ${second.seconds.toFixed(1)} s (created ${JSON.stringify(second.created)})`);
    return { firstSeconds: first.seconds, secondSeconds: second.seconds };
  } finally {
    await Promise.all(processes.reverse().map((p) => p.stop()));
    await db.drop().catch(() => undefined);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [users, products] = process.argv.slice(2).map(Number);
  await run(users || 200, products || 1000);
}
