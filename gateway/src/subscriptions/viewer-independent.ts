import { Kind, parse, type SelectionSetNode } from 'graphql';

/**
 * Entity fields whose value is the same for every signed-in caller: the subgraph resolves them
 * without looking at the identity (checked in the owning resolvers: user-type.ts leaves these to
 * the record; `email`, `phone`, settings and the like go through canSeePrivate and are NOT here).
 * A join fetch that selects only these may be made once for subscribers with different
 * identities; anything else is fetched per identity. Add a field only after reading its resolver.
 */
export const VIEWER_INDEPENDENT_FIELDS: ReadonlySet<string> = new Set(['User.id', 'User.nickname', 'User.role', 'User.status', 'User.createdAt']);

const CACHE_LIMIT = 1_000;

/** Answers, per subgraph operation, whether it is an `_entities` fetch of viewer-independent fields only. */
export class ViewerIndependence {
  private readonly cache = new Map<string, boolean>();

  constructor(private readonly fields: ReadonlySet<string> = VIEWER_INDEPENDENT_FIELDS) {}

  of(query: string): boolean {
    let known = this.cache.get(query);
    if (known === undefined) {
      known = this.decide(query);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(query, known);
    }
    return known;
  }

  private decide(query: string): boolean {
    let document;
    try {
      document = parse(query);
    } catch {
      return false;
    }
    const [operation, ...others] = document.definitions;
    if (others.length || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return false;
    const [root, ...moreRoots] = operation.selectionSet.selections;
    if (moreRoots.length || root?.kind !== Kind.FIELD || root.name.value !== '_entities' || root.alias || !root.selectionSet) return false;
    return this.onlyPublicLeaves(root.selectionSet);
  }

  /** Inline fragments on entity types holding leaf fields without arguments (nested objects: no). */
  private onlyPublicLeaves(selectionSet: SelectionSetNode): boolean {
    for (const fragment of selectionSet.selections) {
      if (fragment.kind === Kind.FIELD && fragment.name.value === '__typename') continue;
      if (fragment.kind !== Kind.INLINE_FRAGMENT || !fragment.typeCondition) return false;
      const type = fragment.typeCondition.name.value;
      for (const field of fragment.selectionSet.selections) {
        if (field.kind !== Kind.FIELD || field.selectionSet || field.arguments?.length) return false;
        if (field.name.value !== '__typename' && !this.fields.has(`${type}.${field.name.value}`)) return false;
      }
    }
    return true;
  }
}
