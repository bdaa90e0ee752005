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

/** Every long-running process `npm start` runs: subgraphs that exist, their workers, then the gateway. */
export function processSpecs(): ProcessSpec[] {
  const specs: ProcessSpec[] = [];
  for (const { name, port } of SUBGRAPHS) {
    const entry = `subgraphs/${name}/src/index.ts`;
    if (!existsSync(resolve(root, entry))) continue;
    specs.push({ name, entry, port });
    const worker = `subgraphs/${name}/src/workers/index.ts`;
    if (existsSync(resolve(root, worker))) specs.push({ name: `${name}-worker`, entry: worker });
  }
  specs.push({ name: 'gateway', entry: 'gateway/src/index.ts', port: GATEWAY_DEFAULT_PORT });
  return specs;
}
