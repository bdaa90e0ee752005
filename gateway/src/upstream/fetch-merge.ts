// Upstream: several read fetches to one subgraph as one GraphQL document, and its answer split back
// (GATEWAY_MERGE_FETCHES; the batcher that uses it is fetch-batcher.ts).
import type { DefinitionNode, DocumentNode, FieldNode, OperationDefinitionNode } from 'graphql';
import { BoundedMap, graphqlRuntime } from '@anshim/platform';

const { Kind, parse, print, visit } = graphqlRuntime;

/** One fetch as the data source would send it on its own. */
export interface FetchBody {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/** The shape of a subgraph's JSON answer (only what the split reads). */
export interface FetchAnswer {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; locations?: unknown; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/** `f3_`: everything of the fourth fetch in the combined document (root aliases, variables, fragments). */
const prefixOf = (index: number) => `f${index}_`;
const PREFIXED = /^f(\d+)_(.*)$/s;

/**
 * The fetch's single query operation, if it can share a document: no operation directives, and only
 * fields at the root (they get aliases; a fragment spread at the root could not). Otherwise null.
 */
function mergeableOperation(document: DocumentNode): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return null;
  const [operation] = operations as [OperationDefinitionNode];
  if (operation.operation !== 'query' || operation.directives?.length) return null;
  if (!operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD)) return null;
  return operation;
}

/** The fetch's definitions with every variable and fragment name prefixed and its root fields aliased. */
function prefixed(document: DocumentNode, operation: OperationDefinitionNode, prefix: string): { operation: OperationDefinitionNode; fragments: DefinitionNode[] } {
  const renamed = visit(document, {
    Variable: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
  });
  const at = document.definitions.indexOf(operation);
  const renamedOperation = renamed.definitions[at] as OperationDefinitionNode;
  const roots = renamedOperation.selectionSet.selections.map((selection) => {
    const field = selection as FieldNode;
    return { ...field, alias: { kind: Kind.NAME, value: prefix + (field.alias ?? field.name).value } } as FieldNode;
  });
  return {
    operation: { ...renamedOperation, selectionSet: { ...renamedOperation.selectionSet, selections: roots } },
    fragments: renamed.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION),
  };
}

/** The combined documents of fetch texts seen before (the planner's fetches repeat: one text per plan node). */
const COMBINED_QUERIES_KEPT = 1_000;
const combinedQueries = new BoundedMap<string, string | null>(COMBINED_QUERIES_KEPT);

function combinedQuery(queries: string[], operationName: string): string | null {
  const key = `${operationName}\n${queries.join('\n\0\n')}`;
  const known = combinedQueries.get(key);
  if (known !== undefined) return known;
  let query: string | null = null;
  try {
    const operations: OperationDefinitionNode[] = [];
    const fragments: DefinitionNode[] = [];
    for (const [index, text] of queries.entries()) {
      const document = parse(text);
      const operation = mergeableOperation(document);
      if (!operation) throw new Error('not mergeable');
      const part = prefixed(document, operation, prefixOf(index));
      operations.push(part.operation);
      fragments.push(...part.fragments);
    }
    const merged: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: operations[0]!.operation,
      name: { kind: Kind.NAME, value: operationName },
      variableDefinitions: operations.flatMap((operation) => operation.variableDefinitions ?? []),
      directives: [],
      selectionSet: { kind: Kind.SELECTION_SET, selections: operations.flatMap((operation) => operation.selectionSet.selections) },
    };
    query = print({ kind: Kind.DOCUMENT, definitions: [merged, ...fragments] });
  } catch {
    query = null; // unparsable or not mergeable: each is sent on its own, as before
  }
  combinedQueries.remember(key, query);
  return query;
}

/**
 * One document for all `fetches`: fetch i's root fields aliased `f{i}_<response key>`, its variables
 * `$f{i}_<name>` and its fragments `f{i}_<name>`, so no two fetches' names can meet. Null when one of
 * them cannot share a document (a mutation, several operations, a fragment at the root…).
 */
export function combineFetches(fetches: FetchBody[]): FetchBody | null {
  if (fetches.length < 2) return null;
  const first = fetches[0]!.operationName;
  const operationName = `${first && /^[_A-Za-z][_0-9A-Za-z]*$/.test(first) ? first : 'Fetch'}__merged_${fetches.length}`;
  const query = combinedQuery(fetches.map((fetch) => fetch.query), operationName);
  if (!query) return null;
  const variables: Record<string, unknown> = {};
  for (const [index, fetch] of fetches.entries()) {
    for (const [name, value] of Object.entries(fetch.variables ?? {})) variables[prefixOf(index) + name] = value;
  }
  return { query, operationName, variables };
}

/** What a merged answer holds for one fetch: its own answer, or 'resend' when the merge hides it. */
export type SplitPart = FetchAnswer | 'resend';

/**
 * Each fetch's own answer from the combined one: its aliased root fields under their own keys, its
 * errors with their paths as its own document would have given them. An error the split cannot
 * attribute to one fetch (no path, or a path outside every fetch) is never guessed at: every fetch
 * is sent again on its own. When the combined `data` is null (a non-null root field failed), a fetch
 * with errors of its own gets `data: null` with them, as alone; the others are sent again.
 */
export function splitAnswer(answer: FetchAnswer, count: number): SplitPart[] {
  const errors: Array<NonNullable<FetchAnswer['errors']>[number][]> = Array.from({ length: count }, () => []);
  for (const error of answer.errors ?? []) {
    const [root, ...rest] = error.path ?? [];
    const match = typeof root === 'string' ? PREFIXED.exec(root) : null;
    const index = match ? Number(match[1]) : -1;
    if (!match || index >= count) return Array.from({ length: count }, () => 'resend');
    const { locations: _inTheCombinedDocument, ...own } = error;
    errors[index]!.push({ ...own, path: [match[2]!, ...rest] });
  }
  const extensions = answer.extensions ? { extensions: answer.extensions } : {};
  const withErrors = (index: number) => (errors[index]!.length ? { errors: errors[index] } : {});
  if (answer.data === null || answer.data === undefined) {
    if (answer.data === undefined && !answer.errors?.length) return Array.from({ length: count }, () => 'resend');
    return errors.map((own, index) => (own.length ? { data: null, ...withErrors(index), ...extensions } : 'resend'));
  }
  const data: Array<Record<string, unknown>> = Array.from({ length: count }, () => ({}));
  for (const [key, value] of Object.entries(answer.data)) {
    const match = PREFIXED.exec(key);
    const index = match ? Number(match[1]) : -1;
    if (!match || index >= count) return Array.from({ length: count }, () => 'resend');
    data[index]![match[2]!] = value;
  }
  return data.map((own, index) => ({ data: own, ...withErrors(index), ...extensions }));
}
