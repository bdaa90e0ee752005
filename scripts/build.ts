// `npm run build`: the browser bundles the gateway serves — the explorer (GraphiQL at /graphql and
// /explorer) and the moderator console (/admin) — and the server bundles every process runs from
// (scripts/lib/server-build.ts). `--force` rebuilds the browser bundles even when their inputs are
// unchanged; the server bundles take under a second and are always rebuilt.
import { buildAdminConsole } from './lib/admin-console.ts';
import { buildExplorer } from './lib/explorer.ts';
import { buildServers } from './lib/server-build.ts';

try {
  const force = process.argv.includes('--force');
  const explorer = buildExplorer({ force });
  if (!explorer.built) console.log(`explorer is up to date (${explorer.bytes} bytes, ${explorer.gzipBytes} gzip)`);
  const admin = buildAdminConsole({ force });
  if (!admin.built) console.log(`admin console is up to date (${admin.bytes} bytes, ${admin.gzipBytes} gzip)`);
  await buildServers({ log: console.log });
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
