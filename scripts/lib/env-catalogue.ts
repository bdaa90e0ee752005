// Which environment each process parses, read from the zod schemas themselves: the
// configuration table of docs/configuration.md and the deploy manifests' test both start here, so neither can drift
// from the code.
import { relative } from 'node:path';
import { z } from 'zod';
import { baseEnvShape, projectRoot } from '../../packages/platform/src/env.ts';
import { gatewayEnvSchema } from '../../gateway/src/env.ts';
import { userEnvSchema } from '../../subgraphs/user/src/env.ts';
import { transactionEnvSchema } from '../../subgraphs/transaction/src/env.ts';
import { safetyEnvSchema } from '../../subgraphs/safety/src/env.ts';
import { reportEnvSchema } from '../../subgraphs/report/src/env.ts';
import { monitorEnvSchema } from '../../subgraphs/monitor/src/env.ts';
import { chatEnvSchema } from '../../subgraphs/chat/src/env.ts';
import { paymentEnvSchema } from '../../subgraphs/payment/src/env.ts';

/** The migration runner reads only DATABASE_URL (scripts/lib/migrations.ts). */
const migrateEnvSchema = z.object({ DATABASE_URL: baseEnvShape.DATABASE_URL });

/**
 * Every process the deployment runs, by the name `scripts/run.ts` accepts, with the schema it
 * parses at start. `port`/`host` name the variables it listens on (none for one-shot commands).
 */
export const PROCESS_ENVS = {
  gateway: { schema: gatewayEnvSchema, port: 'GATEWAY_PORT', host: 'GATEWAY_HOST' },
  user: { schema: userEnvSchema, port: 'USER_PORT', host: 'USER_HOST' },
  transaction: { schema: transactionEnvSchema, port: 'TRANSACTION_PORT', host: 'TRANSACTION_HOST' },
  safety: { schema: safetyEnvSchema, port: 'SAFETY_PORT', host: 'SAFETY_HOST' },
  'safety-worker': { schema: safetyEnvSchema, port: 'SAFETY_WORKER_PORT', host: 'SAFETY_WORKER_HOST' },
  report: { schema: reportEnvSchema, port: 'REPORT_PORT', host: 'REPORT_HOST' },
  monitor: { schema: monitorEnvSchema, port: 'MONITOR_PORT', host: 'MONITOR_HOST' },
  chat: { schema: chatEnvSchema, port: 'CHAT_PORT', host: 'CHAT_HOST' },
  payment: { schema: paymentEnvSchema, port: 'PAYMENT_PORT', host: 'PAYMENT_HOST' },
  migrate: { schema: migrateEnvSchema, port: undefined, host: undefined },
} satisfies Record<string, { schema: z.ZodObject; port: string | undefined; host: string | undefined }>;

export type ProcessName = keyof typeof PROCESS_ENVS;
export const PROCESS_NAMES = Object.keys(PROCESS_ENVS) as ProcessName[];

export interface EnvVariable {
  name: string;
  /** Processes whose schema has it, in PROCESS_ENVS order. */
  processes: ProcessName[];
  /** True when the schema refuses a missing value. */
  required: boolean;
  /** The default as one writes it in the environment (paths relative to the repository). */
  defaultValue: string | undefined;
  description: string | undefined;
}

type AnySchema = z.core.$ZodType;

/** The raw default (before transforms) of a field, looking through pipes and preprocessors. */
function rawDefault(schema: AnySchema): unknown {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'default':
    case 'prefault':
      return def.defaultValue;
    case 'pipe':
      return rawDefault(def.in as AnySchema) ?? rawDefault(def.out as AnySchema);
    default:
      return undefined;
  }
}

function renderDefault(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  // SUPERGRAPH_PATH, STORAGE_LOCAL_DIR: absolute on this machine, relative in the docs.
  return text.startsWith(`${projectRoot}/`) ? relative(projectRoot, text) : text;
}

function descriptionOf(schema: AnySchema): string | undefined {
  return z.globalRegistry.get(schema)?.description;
}

/** Every variable any process reads, in schema order: the shared ones first, then each process' own. */
export function envVariables(): EnvVariable[] {
  const byName = new Map<string, EnvVariable>();
  for (const name of PROCESS_NAMES) {
    for (const [variable, schema] of Object.entries(PROCESS_ENVS[name].schema.shape) as Array<[string, AnySchema]>) {
      const seen = byName.get(variable);
      if (seen) {
        seen.processes.push(name);
        continue;
      }
      byName.set(variable, {
        name: variable,
        processes: [name],
        required: !z.safeParse(schema, undefined).success,
        defaultValue: renderDefault(rawDefault(schema)),
        description: descriptionOf(schema),
      });
    }
  }
  return [...byName.values()];
}

/** Variables without a description (to add with `.describe()` next to their zod schema). */
export function undescribed(variables = envVariables()): EnvVariable[] {
  return variables.filter((v) => !v.description?.trim());
}
