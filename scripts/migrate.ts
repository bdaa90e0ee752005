// Usage:
//   node --import tsx scripts/migrate.ts deploy [service...]   (DATABASE_URL, default postgresql://root@127.0.0.1:5432/anshim)
//   node --import tsx scripts/migrate.ts create <service> <name>
import { createMigration, databaseUrlFromEnv, deployMigrations, ensureDatabase } from './lib/migrations.ts';
import { listServices } from './lib/services.ts';

const USAGE = 'usage: migrate.ts deploy [service...] | migrate.ts create <service> <name>';

async function deploy(requested: string[]): Promise<void> {
  const known = listServices();
  const unknown = requested.filter((service) => !known.includes(service));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')} (known: ${known.join(', ') || 'none'})`);
  const services = requested.length ? requested : known;
  const databaseUrl = databaseUrlFromEnv();
  if (await ensureDatabase(databaseUrl)) console.log(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  for (const service of services) {
    await deployMigrations({ databaseUrl, service }).catch((error: Error) => {
      throw new Error(`${service}: ${error.message}`);
    });
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'deploy') return deploy(args);
  if (command === 'create') {
    const [service, name] = args;
    if (!service || !name || args.length > 2) throw new Error(USAGE);
    if (!listServices().includes(service)) throw new Error(`unknown service "${service}" (no prisma/${service}/schema.prisma)`);
    await createMigration({ service, name });
    return;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // pg errors carry the useful part in `message`; a stack adds nothing for a CLI user.
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
