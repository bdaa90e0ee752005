// The explorer bundle (GraphiQL, gateway/explorer → gateway/explorer-dist) is git-ignored and built
// here by `npm run build`, `npm start` and `npm test`. A stamp of its inputs skips an up-to-date build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from './services.ts';

export const explorerSource = join(repoRoot, 'gateway/explorer');
export const explorerDist = join(repoRoot, 'gateway/explorer-dist');
const stampFile = join(explorerDist, '.inputs.sha256');
/** Text assets are stored gzip-compressed beside the original; the gateway serves whichever the browser accepts. */
const COMPRESSIBLE = /\.(js|css|html|json|svg|ttf|map)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The explorer's sources, its build script and the lockfile (every bundled package's exact version). */
function inputsDigest(): string {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(explorerSource), join(repoRoot, 'package-lock.json'), import.meta.filename].sort();
  for (const file of inputs) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export interface ExplorerBuild {
  built: boolean;
  /** Bytes of every file the browser can fetch, and of what is sent when it accepts gzip. */
  bytes: number;
  gzipBytes: number;
  ms: number;
}

function measure(): Pick<ExplorerBuild, 'bytes' | 'gzipBytes'> {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of filesUnder(explorerDist)) {
    if (file.endsWith('.gz') || file === stampFile) continue;
    const size = statSync(file).size;
    bytes += size;
    gzipBytes += existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : size;
  }
  return { bytes, gzipBytes };
}

/** Builds the explorer with vite unless the last build had the same inputs (`force` builds anyway). */
export function buildExplorer(options: { force?: boolean; log?: (line: string) => void } = {}): ExplorerBuild {
  const log = options.log ?? console.log;
  const started = Date.now();
  const digest = inputsDigest();
  const upToDate = existsSync(join(explorerDist, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest;
  if (upToDate && !options.force) return { built: false, ...measure(), ms: Date.now() - started };

  const vite = join(repoRoot, 'node_modules/.bin/vite');
  const result = spawnSync(vite, ['build', '--config', join(explorerSource, 'vite.config.ts')], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`building the explorer failed (${result.error?.message ?? `exit ${result.status}`})\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}`);
  }
  for (const file of filesUnder(explorerDist)) {
    if (COMPRESSIBLE.test(file)) writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
  }
  writeFileSync(stampFile, digest);
  const build = { built: true, ...measure(), ms: Date.now() - started };
  log(`explorer built into ${relative(repoRoot, explorerDist)} in ${build.ms} ms (${build.bytes} bytes, ${build.gzipBytes} gzip)`);
  return build;
}
