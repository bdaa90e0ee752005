// Every long-running process, the image entrypoint and the migration CLI, bundled to plain
// JavaScript (`<package>/dist/*.mjs`, git-ignored). Production, `npm start`, the test stack and the
// benchmarks run these with `node`, not `node --import tsx`: the tsx loader keeps a second V8
// isolate and a transform cache alive for the whole life of a process (about 29 MB of the idle
// gateway, bench/RESULTS.md). Only our own code is bundled; packages under node_modules stay
// external so Node loads each exactly once (one graphql, one Prisma runtime) as it does from source.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { processSpecs, root } from './processes.ts';
import { SCRIPT_ENTRIES, builtEntryOf } from './server-build-paths.ts';

/** Bare imports stay imports, except our own workspace packages, whose exports are TypeScript sources. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@anshim/') ? undefined : { path: args.path, external: true }));
  },
};

export interface ServerBuild {
  entries: { entry: string; output: string; bytes: number }[];
  ms: number;
}

/**
 * Bundles one entry into `output` (both relative to the repository root). The file is written
 * beside its final name and renamed, so a process starting meanwhile never reads half a file.
 */
export async function bundleEntry(entry: string, output: string): Promise<number> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: output,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Names stay readable in stack traces; `node --enable-source-maps` maps lines back to the sources.
    sourcemap: 'linked',
    sourcesContent: false,
    plugins: [externalPackages],
    logLevel: 'silent',
    write: false,
  });
  let bytes = 0;
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`);
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
    if (file.path.endsWith('.mjs')) bytes = file.contents.byteLength;
  }
  return bytes;
}

/** Bundles every process, the image entrypoint and the migration CLI (about 0.6 s on this machine kind). */
export async function buildServers(options: { log?: (line: string) => void } = {}): Promise<ServerBuild> {
  const started = Date.now();
  const entries = [...processSpecs({ development: true }).map((spec) => spec.entry), ...SCRIPT_ENTRIES];
  const results = await Promise.all(entries.map(async (entry) => {
    const output = builtEntryOf(entry);
    return { entry, output, bytes: await bundleEntry(entry, output) };
  })).catch((error: Error) => {
    throw new Error(`the server build failed: ${error.message}`);
  });
  const ms = Date.now() - started;
  options.log?.(`built ${results.length} server bundles in ${ms} ms (${results.map((r) => r.output).join(', ')})`);
  return { entries: results, ms };
}
