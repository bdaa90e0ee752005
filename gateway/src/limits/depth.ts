import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';

// graphql as Apollo and graphql-ws load it: the schemas these rules run against come from there.
const { GraphQLError, Kind } = graphqlRuntime;

/** Introspection (`__schema`, `__type`) is governed by the INTROSPECTION setting, not by the size limits. */
export const isIntrospectionField = (name: string): boolean => name.startsWith('__');

/**
 * Deepest nesting of fields below a selection set (a root field is depth 1). Fragments are
 * followed; a fragment cycle is reported by graphql's own NoFragmentCycles rule, so it stops here.
 */
export function selectionDepth(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string> = new Set(),
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (isIntrospectionField(selection.name.value)) continue;
      const below = selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, visiting) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

export function fragmentsOf(context: ValidationContext): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

/** Refuses an operation whose fields nest deeper than `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const depth = selectionDepth(operation.selectionSet, fragmentsOf(context));
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`The operation nests ${depth} levels deep; at most ${maxDepth} are allowed.`, {
            nodes: [operation],
            extensions: { limit: 'DEPTH', max: maxDepth, actual: depth },
          }),
        );
      }
      return false;
    },
  });
}
