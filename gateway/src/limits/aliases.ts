import type { SelectionSetNode, ValidationRule } from 'graphql';
import type { FragmentWalk } from './fragment-memo.ts';
import { selectionLimitRule } from './limit-rule.ts';
import { add, measureSelections } from './selection-measure.ts';

/** Aliased fields anywhere in a selection set, fragments followed (each spread counts again). */
export function aliasCount(selectionSet: SelectionSetNode, walk: FragmentWalk): number {
  return measureSelections(selectionSet, walk, add, (field) => (field.alias ? 1 : 0) + (field.selectionSet ? aliasCount(field.selectionSet, walk) : 0));
}

/**
 * Refuses an operation with more than `maxAliases` aliases: aliases let one request run the same
 * expensive field many times (`a: login(...) b: login(...)`).
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return selectionLimitRule('ALIASES', maxAliases, aliasCount, (aliases, max) => `The operation uses ${aliases} aliases; at most ${max} are allowed.`);
}
