import { resolve } from 'node:path';
import { z } from 'zod';
import { GATEWAY_DEFAULT_PORT, baseEnvShape, parseEnv, port, projectRoot } from '@anshim/platform';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `{"user":"http://127.0.0.1:5001/graphql"}`: replaces the URLs composed into the supergraph. */
const subgraphUrls = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (!text?.trim()) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of subgraph name to URL' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.url({ protocol: /^https?$/, error: 'each value must be an http(s) URL' })));

export const gatewayEnvSchema = z.object({
  ...baseEnvShape,
  GATEWAY_PORT: port(GATEWAY_DEFAULT_PORT),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  SUPERGRAPH_PATH: z.string().min(1).default(resolve(projectRoot, 'gateway/supergraph.graphql')),
  SUBGRAPH_URLS: subgraphUrls,
  /** Deadline of one subgraph fetch, connection included. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** graphql-ws: subscriptions one connection may hold at once. */
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(20),
  /** graphql-ws: a socket that sends no connection_init within this is closed (4408). */
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Defaults to on outside production, off in production. */
  INTROSPECTION: flag.optional(),
  /** The GraphiQL explorer at /explorer and (for browsers) /graphql; defaults to INTROSPECTION, whose docs it needs. */
  EXPLORER: flag.optional(),
  EXPLORER_DIR: z.string().min(1).default(resolve(projectRoot, 'gateway/explorer-dist')),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema> & { INTROSPECTION: boolean; EXPLORER: boolean };

/** Parses the gateway's environment once; prints every problem and exits 1 when it is invalid. */
export function loadGatewayEnv(source: NodeJS.ProcessEnv): GatewayEnv {
  const env = parseEnv(gatewayEnvSchema, source, 'gateway');
  const introspection = env.INTROSPECTION ?? env.NODE_ENV !== 'production';
  return { ...env, INTROSPECTION: introspection, EXPLORER: env.EXPLORER ?? introspection };
}
