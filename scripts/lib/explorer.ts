// The explorer bundle (GraphiQL, gateway/explorer → gateway/explorer-dist), served by the gateway at
// /graphql and /explorer; built by web-bundle.ts, skipped when its inputs are unchanged.
import { join } from 'node:path';
import { repoRoot } from './services.ts';
import { buildWebBundle, type WebBundle, type WebBundleBuild } from './web-bundle.ts';

export const explorer: WebBundle = {
  name: 'explorer',
  source: join(repoRoot, 'gateway/explorer'),
  dist: join(repoRoot, 'gateway/explorer-dist'),
  definedIn: import.meta.filename,
};
export const explorerSource = explorer.source;
export const explorerDist = explorer.dist;
export type ExplorerBuild = WebBundleBuild;

/** Builds the explorer with vite unless the last build had the same inputs (`force` builds anyway). */
export function buildExplorer(options: { force?: boolean; log?: (line: string) => void } = {}): ExplorerBuild {
  return buildWebBundle(explorer, options);
}
