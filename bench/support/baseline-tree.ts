// The code of another commit, bundled to run beside this tree's in one benchmark ("before" and
// "after" measured side by side on the same machine state): `git archive <ref>` of packages/,
// subgraphs/ and gateway/ into bench/out/baseline-<sha>/, this tree's generated code copied in
// (git-ignored, so not in the archive: valid as long as the schemas and Prisma models did not
// change between <ref> and now — the caller must know), its own node_modules/@anshim links so
// its bundles take ITS platform and contracts, then each entry bundled to its usual dist/ place.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleEntry } from '../../scripts/lib/server-build.ts';
import { builtEntryOf } from '../../scripts/lib/server-build-paths.ts';

const root = new URL('../../', import.meta.url).pathname;

export interface BaselineTree {
  /** Short commit id the tree was taken from. */
  commit: string;
  /** Repository-relative folder (bench/out/baseline-<sha>). */
  dir: string;
  /** The bundle of a source entry of that tree (`subgraphs/user/src/index.ts` → absolute .mjs path). */
  bundleOf(entry: string): string;
}

/** Archives `ref` and bundles `entries` (repository-relative source entries) from it. */
export async function prepareBaselineTree(ref: string, entries: string[]): Promise<BaselineTree> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--short', ref);
  const dir = `bench/out/baseline-${commit}`;
  const abs = join(root, dir);
  rmSync(abs, { recursive: true, force: true });
  mkdirSync(abs, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} packages subgraphs gateway | tar -x -C '${abs}'`], { cwd: root });
  for (const service of ['user', 'transaction', 'safety', 'monitor', 'chat', 'report', 'payment']) {
    const generated = join(root, 'subgraphs', service, 'src', 'generated');
    if (existsSync(generated)) cpSync(generated, join(abs, 'subgraphs', service, 'src', 'generated'), { recursive: true });
  }
  mkdirSync(join(abs, 'node_modules', '@anshim'), { recursive: true });
  for (const pkg of ['platform', 'contracts']) symlinkSync(relative(join(abs, 'node_modules', '@anshim'), join(abs, 'packages', pkg)), join(abs, 'node_modules', '@anshim', pkg));
  for (const entry of entries) await bundleEntry(`${dir}/${entry}`, builtEntryOf(`${dir}/${entry}`));
  return { commit, dir, bundleOf: (entry) => join(root, builtEntryOf(`${dir}/${entry}`)) };
}
