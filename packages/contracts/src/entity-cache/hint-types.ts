// The shape of the entity cache's hints (hints.ts reads them; hints.generated.ts holds them), on
// their own so the generated file and its reader do not import each other.

/**
 * Who may share a cached answer. PUBLIC: every viewer gets the same. NOT_SELF: the same for every viewer
 * except the member the entity is and ADMINs (they see more, e.g. every safety factor), who neither read
 * nor write entries. VISIBLE: the same for everyone who may see the entity at all, but who may see it
 * depends on the viewer (a HIDDEN listing: its seller and ADMINs): entries are written only from
 * anonymous callers' answers, i.e. what everyone may see, and read by anyone. Fields whose answer depends
 * on who asks in any other way carry no hint and are never cached.
 */
export type EntityCacheScope = 'PUBLIC' | 'NOT_SELF' | 'VISIBLE';

export interface EntityTypeHints {
  /** Seconds an entry lives at most (the smallest maxAge of the type and its hinted fields). */
  maxAge: number;
  /** Events of this subgraph that change the type's hinted fields (each names the entity: events.ts). */
  invalidatedBy: readonly string[];
  /** Hinted field → scope. A fetch selecting any other field of the type is not cached. */
  fields: Readonly<Record<string, EntityCacheScope>>;
}

/** Subgraph → entity type → hints. */
export type EntityCacheHints = Readonly<Record<string, Readonly<Record<string, EntityTypeHints>>>>;
