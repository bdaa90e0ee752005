import { resolve } from 'node:path';
import { z } from 'zod';
import { GATEWAY_DEFAULT_PORT, baseEnvShape, parseEnv, port, projectRoot } from '@anshim/platform';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

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
  GATEWAY_PORT: port(GATEWAY_DEFAULT_PORT).describe('where the gateway listens (`0` = any free port)'),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1').describe('interface the gateway binds (`0.0.0.0` in a container)'),
  SUPERGRAPH_PATH: z.string().min(1).default(resolve(projectRoot, 'gateway/supergraph.graphql'))
    .describe('the composed schema the gateway serves'),
  SUBGRAPH_URLS: subgraphUrls
    .describe('JSON `{"user":"http://user:4001/graphql",…}` replacing the URLs composed into the supergraph'),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000)
    .describe('deadline of one subgraph fetch, connection included'),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(20)
    .describe('graphql-ws: subscriptions one connection may hold at once'),
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000)
    .describe('graphql-ws: a socket that sends no connection_init within this is closed (4408)'),
  INTROSPECTION: flag.optional().describe('GraphQL introspection at the gateway; on outside production, off in production'),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema> & { INTROSPECTION: boolean };

/** Parses the gateway's environment once; prints every problem and exits 1 when it is invalid. */
export function loadGatewayEnv(source: NodeJS.ProcessEnv): GatewayEnv {
  const env = parseEnv(gatewayEnvSchema, source, 'gateway');
  return { ...env, INTROSPECTION: env.INTROSPECTION ?? env.NODE_ENV !== 'production' };
}
