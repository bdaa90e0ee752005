import type { ASTVisitor, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { newFragmentWalk, type FragmentWalk } from './fragment-memo.ts';

// graphql as Apollo and graphql-ws load it: the schemas these rules run against come from there.
const { GraphQLError, Kind } = graphqlRuntime;

export function fragmentsOf(context: ValidationContext): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

export interface LimitRuleSpec {
  /** `extensions.limit` of the refusal: DEPTH, ROOT_FIELDS, ALIASES, COST. */
  limit: string;
  max: number;
  /** The size of one operation, fragments followed. */
  measure: (operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, context: ValidationContext) => number;
  /** What the client reads when the operation is over `max`. */
  message: (actual: number, max: number) => string;
}

/** A validation rule that measures each operation once and refuses it above `max`, saying by how much. */
export function limitRule(spec: LimitRuleSpec): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const actual = spec.measure(operation, fragmentsOf(context), context);
      if (actual > spec.max) {
        context.reportError(
          new GraphQLError(spec.message(actual, spec.max), {
            nodes: [operation],
            extensions: { limit: spec.limit, max: spec.max, actual },
          }),
        );
      }
      return false;
    },
  });
}

/**
 * limitRule for a size measured over the operation's selections, each fragment walked once per
 * operation (fragment-memo.ts): depth, root fields and aliases are all this shape.
 */
export function selectionLimitRule(limit: string, max: number, measure: (selectionSet: SelectionSetNode, walk: FragmentWalk) => number, message: LimitRuleSpec['message']): ValidationRule {
  return limitRule({ limit, max, measure: (operation, fragments) => measure(operation.selectionSet, newFragmentWalk(fragments)), message });
}
