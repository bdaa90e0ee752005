// `npm run build`: the explorer bundle (GraphiQL served by the gateway at /graphql and /explorer)
// and the server bundles every process runs from (scripts/lib/server-build.ts).
// `--force` rebuilds the explorer even when its inputs are unchanged; the server bundles take
// under a second and are always rebuilt.
import { buildExplorer } from './lib/explorer.ts';
import { buildServers } from './lib/server-build.ts';

try {
  const explorer = buildExplorer({ force: process.argv.includes('--force') });
  if (!explorer.built) console.log(`explorer is up to date (${explorer.bytes} bytes, ${explorer.gzipBytes} gzip)`);
  await buildServers({ log: console.log });
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
