import type { FragmentDefinitionNode, SelectionSetNode, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { limitRule } from './limit-rule.ts';

// graphql as Apollo and graphql-ws load it: the schemas these rules run against come from there.
const { Kind } = graphqlRuntime;

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
  /** Each fragment's depth, measured once: these limits run before validation, and a fragment spread twice per level would otherwise be walked 2^levels times. */
  memo: Map<string, number> = new Map(),
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (isIntrospectionField(selection.name.value)) continue;
      const below = selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, visiting, memo) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, visiting, memo));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || visiting.has(name)) continue;
      let depth = memo.get(name);
      if (depth === undefined) {
        visiting.add(name);
        depth = selectionDepth(fragment.selectionSet, fragments, visiting, memo);
        visiting.delete(name);
        memo.set(name, depth);
      }
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}

/** Refuses an operation whose fields nest deeper than `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return limitRule({
    limit: 'DEPTH',
    max: maxDepth,
    measure: (operation, fragments) => selectionDepth(operation.selectionSet, fragments),
    message: (depth, max) => `The operation nests ${depth} levels deep; at most ${max} are allowed.`,
  });
}
