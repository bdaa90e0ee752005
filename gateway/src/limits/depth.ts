import type { SelectionSetNode, ValidationRule } from 'graphql';
import type { FragmentWalk } from './fragment-memo.ts';
import { selectionLimitRule } from './limit-rule.ts';
import { isIntrospectionField, measureSelections } from './selection-measure.ts';

/**
 * Deepest nesting of fields below a selection set (a root field is depth 1). Fragments are
 * followed, each measured once (fragment-memo.ts); a fragment cycle is reported by graphql's own
 * NoFragmentCycles rule, so it stops here.
 */
export function selectionDepth(selectionSet: SelectionSetNode, walk: FragmentWalk): number {
  return measureSelections(selectionSet, walk, Math.max, (field) => {
    if (isIntrospectionField(field.name.value)) return 0;
    return 1 + (field.selectionSet ? selectionDepth(field.selectionSet, walk) : 0);
  });
}

/** Refuses an operation whose fields nest deeper than `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return selectionLimitRule('DEPTH', maxDepth, selectionDepth, (depth, max) => `The operation nests ${depth} levels deep; at most ${max} are allowed.`);
}
