// The walk the shape limits share (depth, root fields, aliases): a measure of a selection set is
// built from its fields; inline fragments and fragment spreads contribute what their own
// selections measure, each named fragment measured once per document (fragment-memo.ts).
import type { FieldNode, SelectionSetNode } from 'graphql';
import { graphqlRuntime } from '@anshim/platform';
import { measureFragment, type FragmentWalk } from './fragment-memo.ts';

// graphql as Apollo and graphql-ws load it: the schemas these rules run against come from there.
const { Kind } = graphqlRuntime;

/** Introspection (`__schema`, `__type`, `__typename`) is governed by the INTROSPECTION setting, not by the size limits. */
export const isIntrospectionField = (name: string): boolean => name.startsWith('__');

/** How the parts of a selection set add up: counts add, depth takes the deepest. */
export const add = (a: number, b: number): number => a + b;

/**
 * `ofField` measures one field (recursing into the field's own selections where the measure
 * looks below it); the parts of the selection set are combined with `combine`, starting from 0.
 * A fragment cycle (refused later by graphql's own NoFragmentCycles rule) measures as 0.
 */
export function measureSelections(
  selectionSet: SelectionSetNode,
  walk: FragmentWalk,
  combine: (a: number, b: number) => number,
  ofField: (field: FieldNode) => number,
): number {
  let result = 0;
  for (const selection of selectionSet.selections) {
    let part: number;
    if (selection.kind === Kind.FIELD) part = ofField(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) part = measureSelections(selection.selectionSet, walk, combine, ofField);
    else part = measureFragment(walk, selection.name.value, (fragment) => measureSelections(fragment.selectionSet, walk, combine, ofField)) ?? 0;
    result = combine(result, part);
  }
  return result;
}
