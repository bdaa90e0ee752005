import type { SelectionSetNode, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { measureFragment, newFragmentWalk, type FragmentWalk } from './fragment-memo.ts';
import { limitRule } from './limit-rule.ts';

// graphql as Apollo and graphql-ws load it: the schemas these rules run against come from there.
const { Kind } = graphqlRuntime;

/** Introspection (`__schema`, `__type`) is governed by the INTROSPECTION setting, not by the size limits. */
export const isIntrospectionField = (name: string): boolean => name.startsWith('__');

/**
 * Deepest nesting of fields below a selection set (a root field is depth 1). Fragments are
 * followed, each measured once (fragment-memo.ts); a fragment cycle is reported by graphql's own
 * NoFragmentCycles rule, so it stops here.
 */
export function selectionDepth(selectionSet: SelectionSetNode, walk: FragmentWalk): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (isIntrospectionField(selection.name.value)) continue;
      const below = selection.selectionSet ? selectionDepth(selection.selectionSet, walk) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, walk));
    } else {
      deepest = Math.max(deepest, measureFragment(walk, selection.name.value, (fragment) => selectionDepth(fragment.selectionSet, walk)) ?? 0);
    }
  }
  return deepest;
}

/** Refuses an operation whose fields nest deeper than `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return limitRule({
    limit: 'DEPTH',
    max: maxDepth,
    measure: (operation, fragments) => selectionDepth(operation.selectionSet, newFragmentWalk(fragments)),
    message: (depth, max) => `The operation nests ${depth} levels deep; at most ${max} are allowed.`,
  });
}
