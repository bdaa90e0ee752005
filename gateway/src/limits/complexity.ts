import type { DocumentNode, FragmentDefinitionNode, GraphQLSchema, ValidationRule } from 'graphql';
import { AppError, ErrorCode, graphqlRuntime } from '@anshim/platform';
import { aliasCount, aliasLimitRule } from './aliases.ts';
import { costLimitRule, operationCost, type CostSettings } from './cost.ts';
import { depthLimitRule, selectionDepth } from './depth.ts';
import { newFragmentWalk } from './fragment-memo.ts';
import { messages, type ComplexityLimit } from './messages.ts';
import { rootFieldCount, rootFieldLimitRule } from './root-fields.ts';

const { Kind } = graphqlRuntime;

export interface ComplexityLimits extends CostSettings {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
}

/** A request refused before execution for its shape: QUERY_TOO_COMPLEX, HTTP 400. */
export class QueryTooComplexError extends AppError {
  constructor(limit: ComplexityLimit, max: number, actual: number) {
    super(messages.tooComplex(limit, max, actual), ErrorCode.QUERY_TOO_COMPLEX, { limit, max, actual, http: { status: 400 } });
  }
}

export function complexityRules(limits: ComplexityLimits, variables: Record<string, unknown>): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), rootFieldLimitRule(limits.maxRootFields), aliasLimitRule(limits.maxAliases), costLimitRule(limits, variables)];
}

/**
 * Runs the shape limits on a document that already passed graphql's validation: the first
 * broken limit is thrown as QueryTooComplexError. The cost uses the request's variables.
 */
export function assertWithinLimits(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, limits: ComplexityLimits): void {
  const [first] = graphqlRuntime.validate(schema, document, complexityRules(limits, variables ?? {}));
  if (!first) return;
  const { limit, max, actual } = first.extensions as { limit?: ComplexityLimit; max?: number; actual?: number };
  if (!limit || max === undefined || actual === undefined) throw first; // not one of ours: keep graphql's own error
  throw new QueryTooComplexError(limit, max, actual);
}

/**
 * The same limits, in the same order, measured straight on a document that graphql has not
 * validated yet (limits/early-check.ts): no validation pass, no TypeInfo walk, each fragment
 * measured once. The first broken limit is returned, or null.
 */
export function shapeRefusal(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, limits: ComplexityLimits): QueryTooComplexError | null {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  // One walk per measure for the whole document: a fragment shared by several operations is measured once.
  const walks = { depth: newFragmentWalk(fragments), rootFields: newFragmentWalk(fragments), aliases: newFragmentWalk(fragments) };
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const measures: Array<[ComplexityLimit, number, () => number]> = [
      ['DEPTH', limits.maxDepth, () => selectionDepth(operation.selectionSet, walks.depth)],
      ['ROOT_FIELDS', limits.maxRootFields, () => rootFieldCount(operation.selectionSet, walks.rootFields)],
      ['ALIASES', limits.maxAliases, () => aliasCount(operation.selectionSet, walks.aliases)],
      ['COST', limits.maxCost, () => operationCost(schema, operation, fragments, variables ?? {}, limits)],
    ];
    for (const [limit, max, measure] of measures) {
      const actual = measure();
      if (actual > max) return new QueryTooComplexError(limit, max, actual);
    }
  }
  return null;
}
