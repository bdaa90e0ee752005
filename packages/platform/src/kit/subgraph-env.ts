// The settings every subgraph process reads the same way: the shared base (PostgreSQL, Redis, log
// level, secrets…) plus where it listens (`<NAME>_PORT`, `<NAME>_OPS_PORT`, `<NAME>_HOST`), and the
// one way to load them (parse once, exit listing every problem, then resolve the secrets). Each
// subgraph's env.ts spreads subgraphEnvShape into its own zod object and adds its own settings;
// scripts/lib/env-catalogue.ts reads the resulting schemas for the README's configuration table.
import { z } from 'zod';
import { baseEnvSchema, baseEnvShape, booleanFlag, parseEnv, port, resolveSecrets, type Secrets } from '../env.ts';
import { defaultSubgraphUrl, type SubgraphName } from '@anshim/contracts';

type Upper<N extends string> = Uppercase<N>;
type PortSetting = ReturnType<typeof port>;
type HostSetting = z.ZodDefault<z.ZodString>;

/** The three listening settings of subgraph N, named after it. */
export type ListenShape<N extends string> = { [K in `${Upper<N>}_PORT` | `${Upper<N>}_OPS_PORT`]: PortSetting } & { [K in `${Upper<N>}_HOST`]: HostSetting };

export interface SubgraphPorts {
  /** The GraphQL port's default (the gateway's default subgraph URL points at it). */
  port: number;
  /** The operations port's default (/metrics, detailed /readyz). */
  opsPort: number;
}

/** How long failing events and jobs are retried (events/retry-schedule.ts); every subgraph process reads them. */
export const retryEnvShape = {
  EVENT_RETRY_WINDOW_HOURS: z.coerce.number().positive().max(24 * 30).default(24)
    .describe('how long a failing event or job is retried (exponential backoff with jitter) before it becomes a dead letter; outages of a dependency pause the queue instead and spend no tries'),
  EVENT_RETRY_MAX_DELAY_SECONDS: z.coerce.number().positive().default(600)
    .describe('longest wait between two tries of a failing event or job'),
};

/** How the subgraph answers the gateway's requests (lean-graphql.ts). */
export const requestPathEnvShape = {
  SUBGRAPH_LEAN_PATH: booleanFlag(true)
    .describe('answer the gateway\'s plain signed POSTs to /graphql without express and Apollo Server\'s pipeline (same signature check, answers and metrics; anything unusual still goes to Apollo); `false` sends every request through Apollo'),
};

/**
 * Where this service reads subgraph `owner` over a signed internal call (its own default URL on this
 * machine); `description` says what it asks and when, for the configuration docs.
 */
export function ownerUrlSetting(owner: SubgraphName, description: string) {
  return z.url().default(defaultSubgraphUrl(owner)).describe(description);
}

/** The deadline of one internal read from an owner service: the same bounds and default in every service. */
export function internalReadTimeoutSetting(description: string) {
  return z.coerce.number().int().min(50).max(10_000).default(800).describe(description);
}

/** baseEnvShape plus where subgraph `name` listens; spread it first into the subgraph's z.object. */
export function subgraphEnvShape<N extends SubgraphName>(name: N, ports: SubgraphPorts): typeof baseEnvShape & typeof retryEnvShape & typeof requestPathEnvShape & ListenShape<N> {
  const upper = name.toUpperCase();
  return {
    ...baseEnvShape,
    ...retryEnvShape,
    ...requestPathEnvShape,
    [`${upper}_PORT`]: port(ports.port).describe(`${name} subgraph port`),
    [`${upper}_OPS_PORT`]: port(ports.opsPort).describe(`the ${name} subgraph's operations port: \`/metrics\`, detailed \`/readyz\` (on OPS_HOST)`),
    [`${upper}_HOST`]: z.string().min(1).default('127.0.0.1').describe(`interface the ${name} subgraph binds (\`0.0.0.0\` in a container)`),
  } as typeof baseEnvShape & typeof retryEnvShape & typeof requestPathEnvShape & ListenShape<N>;
}

/** What defineSubgraph reads from a subgraph's parsed environment. */
export type SubgraphEnv<N extends string> = z.infer<typeof baseEnvSchema> &
  z.infer<z.ZodObject<typeof retryEnvShape>> &
  z.infer<z.ZodObject<typeof requestPathEnvShape>> &
  Secrets & { [K in `${Upper<N>}_PORT` | `${Upper<N>}_OPS_PORT`]: number } & { [K in `${Upper<N>}_HOST`]: string };

export type EnvOverrides = Record<string, string | undefined>;

/**
 * The subgraph's `load<Name>Env(overrides?, processName?)`: parses process.env plus `overrides`
 * (tests pass a database, a prefix, port 0) once, exits listing every problem when it is wrong,
 * and fills the secrets in (generated outside production). `processName` names the process in
 * those messages (a worker process of the same service parses the same schema).
 */
export function envLoader<S extends z.ZodObject>(schema: S, defaultProcessName: string): (overrides?: EnvOverrides, processName?: string) => z.infer<S> & Secrets {
  return (overrides = {}, processName = defaultProcessName) => {
    const env = parseEnv(schema, { ...process.env, ...overrides }, processName);
    return { ...env, ...resolveSecrets(env as { NODE_ENV: string } & Partial<Secrets>, processName) };
  };
}
