import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';
import { AppError, ErrorCode, graphqlRuntime } from '@anshim/platform';
import { aliasLimitRule } from './aliases.ts';
import { costLimitRule, type CostSettings } from './cost.ts';
import { depthLimitRule } from './depth.ts';
import { messages, type ComplexityLimit } from './messages.ts';
import { rootFieldLimitRule } from './root-fields.ts';

export interface ComplexityLimits extends CostSettings {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
}

export const DEFAULT_COMPLEXITY_LIMITS: ComplexityLimits = { maxDepth: 12, maxCost: 5_000, listSize: 10, maxAliases: 30, maxRootFields: 20 };

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
