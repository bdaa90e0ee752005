// The settings of a gateway a test builds: env.ts's defaults (defaultGatewaySettings), so no test
// re-states a default, with what a test process needs instead of a deployment's: a free
// operations port and no explorer bundle. A test names only what it tests; nested groups
// (limits, subscriptions, subgraphRoles…) merge field by field over the defaults.
import { defaultGatewaySettings, type GatewaySettings } from '../../src/env.ts';
import type { SubgraphRoles } from '../../src/upstream/subgraph-roles.ts';

type PlainObject = Record<string, unknown>;

export type SettingsOverrides = {
  [K in keyof GatewaySettings]?: GatewaySettings[K] extends object ? { [F in keyof GatewaySettings[K]]?: GatewaySettings[K][F] } : GatewaySettings[K];
};

/** For a test supergraph of made-up subgraphs: no pass-through routes, no token forwarded. */
export const NO_SUBGRAPH_ROLES: SubgraphRoles = { authPassThrough: null, paymentPassThrough: null, filePassThrough: [], forwardAuthorizationTo: [] };

const isPlainObject = (value: unknown): value is PlainObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `env`: the gateway's environment as a deployment would set it (e.g. NODE_ENV=production). */
export function testGatewaySettings(overrides: SettingsOverrides = {}, env: Record<string, string> = {}): GatewaySettings {
  const settings: PlainObject = { ...defaultGatewaySettings(env), operations: { port: 0 }, explorerDir: undefined };
  for (const [key, value] of Object.entries(overrides)) {
    const base = settings[key];
    settings[key] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return settings as unknown as GatewaySettings;
}
