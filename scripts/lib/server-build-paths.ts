// Where `npm run build` puts each bundle (scripts/lib/server-build.ts). Kept apart from the build so
// the bundled image entrypoint (scripts/run.ts) can map a process to its bundle without loading esbuild.
import { basename, dirname } from 'node:path';

/** Entries bundled besides the processes: the image entrypoint and the migration CLI it runs. */
export const SCRIPT_ENTRIES = ['scripts/run.ts', 'scripts/migrate.ts'];

/**
 * Where the bundle of a source entry lands: `dist/` one level below the package, so the relative
 * reads a subgraph makes from its own folder (`new URL('../schema.graphql', import.meta.url)`) find
 * the same file from `src/` and from `dist/`. `subgraphs/safety/src/workers/index.ts` →
 * `subgraphs/safety/dist/workers.mjs`.
 */
export function builtEntryOf(entry: string): string {
  if (!entry.endsWith('.ts') || !entry.includes('/')) throw new Error(`not a bundled entry: ${entry}`);
  const at = entry.indexOf('/src/');
  const packageDir = at >= 0 ? entry.slice(0, at) : dirname(entry);
  const inside = (at >= 0 ? entry.slice(at + '/src/'.length) : basename(entry)).slice(0, -'.ts'.length);
  const name = inside.endsWith('/index') ? inside.slice(0, -'/index'.length) : inside;
  return `${packageDir}/dist/${name.replaceAll('/', '-')}.mjs`;
}
