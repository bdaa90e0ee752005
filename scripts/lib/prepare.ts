import { deployMigrations, ensureDatabase } from './migrations.ts';
import { listServices } from './services.ts';
import { generateAll } from './generate.ts';
import { buildExplorer } from './explorer.ts';
import { buildServers } from './server-build.ts';
import { composeSupergraph, readSubgraphSources, writeSupergraph } from './compose.ts';

/** Everything `npm start` does before starting processes: database, generated code, migrations, supergraph, explorer, server bundles. */
export async function prepare(env: { DATABASE_URL: string }, log: (line: string) => void): Promise<void> {
  if (await ensureDatabase(env.DATABASE_URL)) log('created the database');
  generateAll((line) => log(`generated ${line}`));
  for (const service of listServices()) {
    await deployMigrations({ databaseUrl: env.DATABASE_URL, service, log: (line) => log(`migrate ${line}`) });
  }
  const composition = composeSupergraph(readSubgraphSources());
  if (!composition.ok) {
    throw new Error(`the supergraph does not compose:\n${composition.problems.map((p) => `  - ${p.message}`).join('\n')}`);
  }
  writeSupergraph(composition.supergraphSdl);
  log('composed gateway/supergraph.graphql');
  buildExplorer({ log });
  await buildServers({ log });
}
