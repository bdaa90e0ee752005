import { deployMigrations, ensureDatabase } from './migrations.ts';
import { listServices } from './services.ts';
import { generateAll } from './generate.ts';
import { buildAdminConsole } from './admin-console.ts';
import { buildExplorer } from './explorer.ts';
import { buildServers } from './server-build.ts';
import { composeSupergraph, readSubgraphSources, writeSupergraph } from './compose.ts';

/** Everything `npm start` does before starting processes: database, generated code, migrations, supergraph, explorer, admin console, server bundles. */
export async function prepare(env: { DATABASE_URL: string }, log: (line: string) => void): Promise<void> {
  // Under `npm test` (ANSHIM_SERVER_BUILD=fresh, inherited) the code was generated and the bundles
  // built before any test ran: a test of `npm start` must not rewrite them under the tests beside it.
  const built = process.env.ANSHIM_SERVER_BUILD === 'fresh';
  if (await ensureDatabase(env.DATABASE_URL)) log('created the database');
  if (built) log('generated code and bundles are fresh (ANSHIM_SERVER_BUILD=fresh): not rebuilt');
  else generateAll((line) => log(`generated ${line}`));
  for (const service of listServices()) {
    await deployMigrations({ databaseUrl: env.DATABASE_URL, service, log: (line) => log(`migrate ${line}`) });
  }
  const composition = composeSupergraph(readSubgraphSources());
  if (!composition.ok) {
    throw new Error(`the supergraph does not compose:\n${composition.problems.map((p) => `  - ${p.message}`).join('\n')}`);
  }
  writeSupergraph(composition.supergraphSdl);
  log('composed gateway/supergraph.graphql');
  if (built) return;
  buildExplorer({ log });
  buildAdminConsole({ log });
  await buildServers({ log });
}
