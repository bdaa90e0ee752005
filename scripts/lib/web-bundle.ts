// The browser bundles the gateway serves (the explorer, the moderator console) are git-ignored and
// built here with vite by `npm run build`, `npm start` and `npm test`. A stamp of each bundle's
// inputs skips an up-to-date build; text files get a gzip copy the gateway sends when accepted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from './services.ts';

/** Text assets are stored gzip-compressed beside the original; the gateway serves whichever the browser accepts. */
const COMPRESSIBLE = /\.(js|css|html|json|svg|ttf|map)$/;
const STAMP = '.inputs.sha256';

export interface WebBundle {
  /** What the log lines call it, e.g. "explorer". */
  name: string;
  /** The app's folder, holding vite.config.ts (gateway/explorer). */
  source: string;
  /** Where vite.config.ts writes the build (gateway/explorer-dist). */
  dist: string;
  /** The module that names this bundle: a change to it rebuilds. */
  definedIn: string;
}

export interface WebBundleBuild {
  built: boolean;
  /** Bytes of every file the browser can fetch, and of what is sent when it accepts gzip. */
  bytes: number;
  gzipBytes: number;
  ms: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The app's sources, the scripts that build it and the lockfile (every bundled package's exact version). */
function inputsDigest(bundle: WebBundle): string {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(bundle.source), join(repoRoot, 'package-lock.json'), bundle.definedIn, import.meta.filename].sort();
  for (const file of inputs) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function measure(bundle: WebBundle): Pick<WebBundleBuild, 'bytes' | 'gzipBytes'> {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of filesUnder(bundle.dist)) {
    if (file.endsWith('.gz') || file.endsWith(STAMP)) continue;
    const size = statSync(file).size;
    bytes += size;
    gzipBytes += existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : size;
  }
  return { bytes, gzipBytes };
}

/** Builds the bundle with vite unless the last build had the same inputs (`force` builds anyway). */
export function buildWebBundle(bundle: WebBundle, options: { force?: boolean; log?: (line: string) => void } = {}): WebBundleBuild {
  const log = options.log ?? console.log;
  const started = Date.now();
  const stampFile = join(bundle.dist, STAMP);
  const digest = inputsDigest(bundle);
  const upToDate = existsSync(join(bundle.dist, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest;
  if (upToDate && !options.force) return { built: false, ...measure(bundle), ms: Date.now() - started };

  const vite = join(repoRoot, 'node_modules/.bin/vite');
  const result = spawnSync(vite, ['build', '--config', join(bundle.source, 'vite.config.ts')], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`building the ${bundle.name} failed (${result.error?.message ?? `exit ${result.status}`})\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}`);
  }
  for (const file of filesUnder(bundle.dist)) {
    if (COMPRESSIBLE.test(file)) writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
  }
  writeFileSync(stampFile, digest);
  const build = { built: true, ...measure(bundle), ms: Date.now() - started };
  log(`${bundle.name} built into ${relative(repoRoot, bundle.dist)} in ${build.ms} ms (${build.bytes} bytes, ${build.gzipBytes} gzip)`);
  return build;
}
