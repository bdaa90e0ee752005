import type { SelectionSetNode, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { measureFragment, newFragmentWalk, type FragmentWalk } from './fragment-memo.ts';
import { limitRule } from './limit-rule.ts';

const { Kind } = graphqlRuntime;

/** Aliased fields anywhere in a selection set, fragments followed (each spread counts again). */
export function aliasCount(selectionSet: SelectionSetNode, walk: FragmentWalk): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) total += 1;
      if (selection.selectionSet) total += aliasCount(selection.selectionSet, walk);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += aliasCount(selection.selectionSet, walk);
    } else {
      total += measureFragment(walk, selection.name.value, (fragment) => aliasCount(fragment.selectionSet, walk)) ?? 0;
    }
  }
  return total;
}

/**
 * Refuses an operation with more than `maxAliases` aliases: aliases let one request run the same
 * expensive field many times (`a: login(...) b: login(...)`).
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return limitRule({
    limit: 'ALIASES',
    max: maxAliases,
    measure: (operation, fragments) => aliasCount(operation.selectionSet, newFragmentWalk(fragments)),
    message: (aliases, max) => `The operation uses ${aliases} aliases; at most ${max} are allowed.`,
  });
}
