// Supergraph composition with @apollo/composition (Rover would download a binary; see
// ARCHITECTURE.md section 3). The result is committed as gateway/supergraph.graphql.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type ASTNode, type DocumentNode } from 'graphql';
import { SUBGRAPHS, defaultSubgraphUrl } from '@anshim/contracts';
import { repoRoot } from './services.ts';

export const SUPERGRAPH_FILE = 'gateway/supergraph.graphql';

export interface SubgraphSource {
  name: string;
  /** The subgraph's SDL, as written in `subgraphs/<name>/schema.graphql`. */
  sdl: string;
  url: string;
}

export interface CompositionProblem {
  /** The subgraphs the problem concerns; empty when composition could not tell. */
  subgraphs: string[];
  code: string;
  message: string;
}

export type Composition =
  | { ok: true; supergraphSdl: string; hints: string[] }
  | { ok: false; problems: CompositionProblem[] };

/** Every subgraph of SUBGRAPHS whose folder has a schema.graphql, in composition order. */
export function readSubgraphSources(root: string = repoRoot): SubgraphSource[] {
  return SUBGRAPHS.flatMap(({ name }) => {
    const file = join(root, 'subgraphs', name, 'schema.graphql');
    return existsSync(file) ? [{ name, sdl: readFileSync(file, 'utf8'), url: defaultSubgraphUrl(name) }] : [];
  });
}

/** The subgraphs an error names: its `[name]` prefix, its AST nodes, and `subgraph "name"` mentions. */
function subgraphsOf(error: GraphQLError, known: string[]): string[] {
  const found = new Set<string>();
  const prefix = /^\[([^\]]+)\]/.exec(error.message)?.[1];
  if (prefix) found.add(prefix);
  for (const node of error.nodes ?? []) {
    const name = (node as ASTNode & { subgraph?: string }).subgraph;
    if (name) found.add(name);
  }
  for (const name of known) {
    if (new RegExp(`subgraphs? (?:"[^"]*"(?:, | and ))*"${name}"`).test(error.message)) found.add(name);
  }
  return known.filter((name) => found.has(name));
}

function parseSources(sources: SubgraphSource[]): { documents: DocumentNode[]; problems: CompositionProblem[] } {
  const documents: DocumentNode[] = [];
  const problems: CompositionProblem[] = [];
  for (const source of sources) {
    try {
      documents.push(parse(source.sdl));
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : String(error);
      problems.push({ subgraphs: [source.name], code: 'INVALID_GRAPHQL', message: `[${source.name}] ${message}` });
    }
  }
  return { documents, problems };
}

export function composeSupergraph(sources: SubgraphSource[]): Composition {
  if (sources.length === 0) {
    return { ok: false, problems: [{ subgraphs: [], code: 'NO_SUBGRAPHS', message: 'No subgraph has a schema.graphql.' }] };
  }
  const { documents, problems } = parseSources(sources);
  if (problems.length) return { ok: false, problems };
  const result = composeServices(sources.map((s, i) => ({ name: s.name, url: s.url, typeDefs: documents[i]! })));
  if (result.errors) {
    const known = sources.map((s) => s.name);
    return {
      ok: false,
      problems: result.errors.map((error) => ({
        subgraphs: subgraphsOf(error, known),
        code: String(error.extensions.code ?? 'COMPOSITION_ERROR'),
        message: error.message,
      })),
    };
  }
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, hints: result.hints.map((h) => h.toString()) };
}

export function describeProblem(problem: CompositionProblem): string {
  const where = problem.subgraphs.length ? `subgraph ${problem.subgraphs.join(', ')}` : 'supergraph';
  return `${where}: ${problem.code}: ${problem.message}`;
}

export type SupergraphCheck =
  | { state: 'current' }
  | { state: 'stale' | 'missing' }
  | { state: 'invalid'; problems: CompositionProblem[] };

/** Compares the committed supergraph with a fresh composition of the subgraphs under `root`. */
export function checkSupergraph(root: string = repoRoot): SupergraphCheck {
  const composition = composeSupergraph(readSubgraphSources(root));
  if (!composition.ok) return { state: 'invalid', problems: composition.problems };
  const file = join(root, SUPERGRAPH_FILE);
  if (!existsSync(file)) return { state: 'missing' };
  return readFileSync(file, 'utf8') === composition.supergraphSdl ? { state: 'current' } : { state: 'stale' };
}

export function writeSupergraph(supergraphSdl: string, root: string = repoRoot): string {
  const file = join(root, SUPERGRAPH_FILE);
  // Unchanged: left alone, so a gateway starting meanwhile (another test, another terminal) never reads half a file.
  if (existsSync(file) && readFileSync(file, 'utf8') === supergraphSdl) return file;
  writeFileSync(file, supergraphSdl);
  return file;
}
