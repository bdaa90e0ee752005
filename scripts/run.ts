// The container's entrypoint: `node scripts/dist/run.mjs <process> [args…]` (this file, bundled by
// `npm run build`) runs one process in this very Node process (no wrapper, so SIGTERM reaches its
// own drain handler). `docker run anshim gateway`, `… safety-worker`, `… migrate`; see deploy/ and
// docs/deploy.md. Bundled, it runs the bundled processes; started from source with tsx, it runs sources.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib/processes.ts';
import { runTargets } from './lib/run-targets.ts';
import { builtEntryOf } from './lib/server-build-paths.ts';

const [name, ...extra] = process.argv.slice(2);
const targets = runTargets();
const target = name ? targets[name] : undefined;

if (!target) {
  console.error(`run: ${name ? `unknown process "${name}"` : 'no process given'}; one of: ${Object.keys(targets).join(', ')}`);
  process.exit(2);
}

const bundled = import.meta.url.endsWith('.mjs');
const entry = resolve(root, bundled ? builtEntryOf(target.entry) : target.entry);
// The entry reads its arguments as if it had been started directly.
process.argv = [process.argv[0]!, entry, ...target.args, ...extra];
await import(pathToFileURL(entry).href);
