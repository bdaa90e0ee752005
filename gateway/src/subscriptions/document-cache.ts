import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { BoundedMap, graphqlRuntime } from '@anshim/platform';

// The graphql graphql-ws and Apollo use (see graphqlRuntime): its errors are the ones graphql-ws accepts.
const { parse, validate } = graphqlRuntime;

/** A client document parsed and validated against one API schema, or why it is not valid. */
export type CheckedDocument =
  /** `query`: the cached text equal to the one checked (the caller may keep it instead of its own copy). */
  | { document: DocumentNode; query: string; errors?: undefined }
  | { document?: undefined; query?: undefined; errors: readonly GraphQLError[] };

/**
 * Parsed and validated client documents by query text, least recently used first out. Thousands
 * of graphql-ws clients send the same subscription text: parsing and validating it for each one
 * dominated the gateway's CPU while they connected, and each kept its own copy of the AST.
 * Validity depends on the schema only, so the cache empties when the API schema object changes.
 * Only valid documents are kept: invalid text is checked again (and cannot evict good entries).
 * The document is shared: nothing downstream may mutate it (graphql-js and the planner do not).
 */
export class DocumentCache {
  private readonly entries: BoundedMap<string, { query: string; document: DocumentNode }>;
  private schema: GraphQLSchema | undefined;

  constructor(
    limit = 1_000,
    /** Longer texts are not kept (a handful of those would hold more memory than the rest). */
    private readonly maxQueryLength = 20_000,
  ) {
    this.entries = new BoundedMap(limit);
  }

  /**
   * `early` (limits/early-check.ts) parses within the token limit and refuses over-limit shapes
   * before graphql's validation runs; a cached document already passed both.
   */
  check(schema: GraphQLSchema, query: string, early?: { parse(query: string): DocumentNode; refusal(document: DocumentNode): GraphQLError | null }): CheckedDocument {
    if (schema !== this.schema) {
      this.entries.clear();
      this.schema = schema;
    }
    const cached = this.entries.get(query);
    if (cached) {
      // Refresh its place: the Map's insertion order is the eviction order.
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    let document: DocumentNode;
    try {
      document = early ? early.parse(query) : parse(query);
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    const refused = early?.refusal(document);
    if (refused) return { errors: [refused] };
    const invalid = validate(schema, document);
    if (invalid.length) return { errors: invalid };
    if (query.length <= this.maxQueryLength) {
      this.entries.remember(query, { query, document });
    }
    return { document, query };
  }

  get size(): number {
    return this.entries.size;
  }
}
