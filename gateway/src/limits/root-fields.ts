import type { FragmentDefinitionNode, SelectionSetNode, ValidationRule } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import type { FragmentWalk } from './fragment-memo.ts';
import { selectionLimitRule } from './limit-rule.ts';
import { add, isIntrospectionField, measureSelections } from './selection-measure.ts';

const { Kind } = graphqlRuntime;

/**
 * The root fields an operation runs, by field name (not alias), once per occurrence: fragments
 * at the root are followed. `__typename` and introspection fields are left out.
 */
export function rootFieldsOf(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, visiting: Set<string> = new Set()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!isIntrospectionField(selection.name.value)) names.push(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      names.push(...rootFieldsOf(selection.selectionSet, fragments, visiting));
    } else {
      const fragment = fragments[selection.name.value];
      if (!fragment || visiting.has(fragment.name.value)) continue;
      visiting.add(fragment.name.value);
      names.push(...rootFieldsOf(fragment.selectionSet, fragments, visiting));
      visiting.delete(fragment.name.value);
    }
  }
  return names;
}

/** How many root fields rootFieldsOf would list, without listing them: each fragment counted once (fragment-memo.ts). */
export function rootFieldCount(selectionSet: SelectionSetNode, walk: FragmentWalk): number {
  return measureSelections(selectionSet, walk, add, (field) => (isIntrospectionField(field.name.value) ? 0 : 1));
}

/** Refuses an operation that runs more than `maxRootFields` root fields at once. */
export function rootFieldLimitRule(maxRootFields: number): ValidationRule {
  return selectionLimitRule('ROOT_FIELDS', maxRootFields, rootFieldCount, (fields, max) => `The operation runs ${fields} root fields; at most ${max} are allowed.`);
}
