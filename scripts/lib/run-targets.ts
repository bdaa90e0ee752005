// What `scripts/run.ts <name>` runs: every long-running process `npm start` knows, plus the
// one-shot migration. The container image has one entrypoint; the command picks the process.
import { processSpecs } from './processes.ts';

export interface RunTarget {
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Arguments the entry reads from process.argv. */
  args: string[];
}

export function runTargets(): Record<string, RunTarget> {
  const targets: Record<string, RunTarget> = {};
  for (const spec of processSpecs()) targets[spec.name] = { entry: spec.entry, args: [] };
  targets.migrate = { entry: 'scripts/migrate.ts', args: ['deploy'] };
  return targets;
}
