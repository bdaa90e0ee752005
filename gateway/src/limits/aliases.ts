import type { FragmentDefinitionNode, SelectionSetNode, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { limitRule } from './limit-rule.ts';

const { Kind } = graphqlRuntime;

/** Aliased fields anywhere in a selection set, fragments followed (each spread counts again). */
export function aliasCount(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string> = new Set(),
  /** Each fragment's count, measured once (these limits run before validation: no exponential walk). */
  memo: Map<string, number> = new Map(),
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) total += 1;
      if (selection.selectionSet) total += aliasCount(selection.selectionSet, fragments, visiting, memo);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += aliasCount(selection.selectionSet, fragments, visiting, memo);
    } else {
      const fragment = fragments[selection.name.value];
      if (!fragment || visiting.has(fragment.name.value)) continue;
      let count = memo.get(fragment.name.value);
      if (count === undefined) {
        visiting.add(fragment.name.value);
        count = aliasCount(fragment.selectionSet, fragments, visiting, memo);
        visiting.delete(fragment.name.value);
        memo.set(fragment.name.value, count);
      }
      total += count;
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
    measure: (operation, fragments) => aliasCount(operation.selectionSet, fragments),
    message: (aliases, max) => `The operation uses ${aliases} aliases; at most ${max} are allowed.`,
  });
}
