// Usage:
//   node --import tsx scripts/compose.ts           compose subgraphs/*/schema.graphql into gateway/supergraph.graphql
//   node --import tsx scripts/compose.ts --check   exit 1 if the committed supergraph is stale (CI)
// Both also (check and) write the gateway entity cache's hints (scripts/lib/entity-cache-hints.ts).
import { relative } from 'node:path';
import { checkSupergraph, composeSupergraph, describeProblem, readSubgraphSources, writeSupergraph, SUPERGRAPH_FILE, type CompositionProblem } from './lib/compose.ts';
import { repoRoot } from './lib/services.ts';
import { extractHints, writeHints, HINTS_FILE } from './lib/entity-cache-hints.ts';

/** The @entityCache hints: 0 when written (or current with --check), 1 on a problem. */
function hints(check: boolean): number {
  const { hints: found, problems } = extractHints(readSubgraphSources());
  if (problems.length) {
    console.error(`@entityCache hints have ${problems.length} problem(s):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    return 1;
  }
  const current = writeHints(found, repoRoot, check);
  if (check && !current) {
    console.error(`${HINTS_FILE} is stale: run \`npm run compose\` and commit the result.`);
    return 1;
  }
  return 0;
}

function reportProblems(problems: CompositionProblem[]): void {
  console.error(`composition failed with ${problems.length} error(s):`);
  for (const problem of problems) console.error(`  - ${describeProblem(problem)}`);
}

function check(): number {
  const result = checkSupergraph();
  if (result.state === 'current') {
    console.log(`${SUPERGRAPH_FILE} is up to date.`);
    return 0;
  }
  if (result.state === 'invalid') {
    reportProblems(result.problems);
    return 1;
  }
  console.error(`${SUPERGRAPH_FILE} is ${result.state === 'missing' ? 'missing' : 'stale (it differs from a fresh composition)'}: run \`npm run compose\` and commit the result.`);
  return 1;
}

function compose(): number {
  const sources = readSubgraphSources();
  const composition = composeSupergraph(sources);
  if (!composition.ok) {
    reportProblems(composition.problems);
    return 1;
  }
  for (const hint of composition.hints) console.warn(`hint: ${hint}`);
  const file = writeSupergraph(composition.supergraphSdl);
  console.log(`composed ${sources.map((s) => s.name).join(', ')} into ${relative(repoRoot, file)}`);
  return 0;
}

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--check');
if (unknown.length) {
  console.error(`unknown argument(s): ${unknown.join(' ')}\nusage: compose.ts [--check]`);
  process.exitCode = 2;
} else {
  const checking = args.includes('--check');
  process.exitCode = (checking ? check() : compose()) || hints(checking);
}
