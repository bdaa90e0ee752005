import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../../packages/platform/src/env.ts';
import { GATEWAY_DEFAULT_PORT, SUBGRAPHS } from '../../packages/contracts/src/services.ts';

/** The repository root, from source and from the bundled image entrypoint alike. */
export const root = projectRoot;

export interface ProcessSpec {
  /** Short name used as the log prefix. */
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Where /readyz answers once the process is up; absent for pure workers. */
  port?: number;
}

/** Local development providers' default ports (the service's env.ts has the setting). */
const SANDBOX_PORTS: Record<string, number> = { payment: 4010 };

/**
 * Every long-running process of a deployment: subgraphs that exist, their workers, then the
 * gateway. `development` adds the local stand-ins for external providers (payment's sandbox),
 * which `npm start` runs outside production and no deployment ever does.
 */
export function processSpecs(options: { development?: boolean } = {}): ProcessSpec[] {
  const specs: ProcessSpec[] = [];
  for (const { name, port } of SUBGRAPHS) {
    const entry = `subgraphs/${name}/src/index.ts`;
    if (!existsSync(resolve(root, entry))) continue;
    specs.push({ name, entry, port });
    const worker = `subgraphs/${name}/src/workers/index.ts`;
    if (existsSync(resolve(root, worker))) specs.push({ name: `${name}-worker`, entry: worker });
    // A local stand-in for an external provider (payment's sandbox), for development only.
    const sandbox = `subgraphs/${name}/src/sandbox/index.ts`;
    if (options.development && existsSync(resolve(root, sandbox))) specs.push({ name: `${name}-sandbox`, entry: sandbox, port: SANDBOX_PORTS[name] });
  }
  specs.push({ name: 'gateway', entry: 'gateway/src/index.ts', port: GATEWAY_DEFAULT_PORT });
  return specs;
}
