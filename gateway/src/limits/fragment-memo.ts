// The shape limits run before graphql's validation, so a document may spread one fragment twice
// per level: walked naively that is 2^levels visits. Every measure asks here instead, and each
// fragment is measured once per document. A fragment cycle (refused later by graphql's own
// NoFragmentCycles rule) measures as nothing, so no walk loops.
import type { FragmentDefinitionNode } from 'graphql';

export interface FragmentWalk {
  fragments: Record<string, FragmentDefinitionNode>;
  /** Fragments on the path being walked now. */
  visiting: Set<string>;
  /** Each fragment's measure, by `key` (its name unless the measure depends on more). */
  memo: Map<string, number>;
}

export function newFragmentWalk(fragments: Record<string, FragmentDefinitionNode>, memo: Map<string, number> = new Map()): FragmentWalk {
  return { fragments, visiting: new Set(), memo };
}

/** The named fragment's measure, taken once; undefined for an unknown fragment or a cycle. */
export function measureFragment(
  walk: FragmentWalk,
  name: string,
  measure: (fragment: FragmentDefinitionNode) => number,
  key: string = name,
): number | undefined {
  const fragment = walk.fragments[name];
  if (!fragment || walk.visiting.has(name)) return undefined;
  let value = walk.memo.get(key);
  if (value === undefined) {
    walk.visiting.add(name);
    value = measure(fragment);
    walk.visiting.delete(name);
    walk.memo.set(key, value);
  }
  return value;
}
