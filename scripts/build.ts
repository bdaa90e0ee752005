// `npm run build`: the explorer bundle (GraphiQL served by the gateway at /graphql and /explorer).
// `--force` rebuilds even when the inputs are unchanged.
import { buildExplorer } from './lib/explorer.ts';

try {
  const build = buildExplorer({ force: process.argv.includes('--force') });
  if (!build.built) console.log(`explorer is up to date (${build.bytes} bytes, ${build.gzipBytes} gzip)`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
