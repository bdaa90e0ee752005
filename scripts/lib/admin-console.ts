// The moderator console (gateway/admin → gateway/admin-dist), served by the gateway at /admin
// (docs/admin-console.md); built by web-bundle.ts, skipped when its inputs are unchanged.
import { join } from 'node:path';
import { repoRoot } from './services.ts';
import { buildWebBundle, type WebBundle, type WebBundleBuild } from './web-bundle.ts';

export const adminConsole: WebBundle = {
  name: 'admin console',
  source: join(repoRoot, 'gateway/admin'),
  dist: join(repoRoot, 'gateway/admin-dist'),
  definedIn: import.meta.filename,
};

/** Builds the console with vite unless the last build had the same inputs (`force` builds anyway). */
export function buildAdminConsole(options: { force?: boolean; log?: (line: string) => void } = {}): WebBundleBuild {
  return buildWebBundle(adminConsole, options);
}
