// Parsing and graphql's own validation cost CPU before any of our limits looked at a document,
// and some of graphql's rules (OverlappingFieldsCanBeMerged) grow faster than the document: a
// few thousand repeated fields kept a core busy for a long time before being refused. So a
// document is parsed with a token limit and measured by the shape limits (depth, root fields,
// aliases, cost; linear, fragments measured once) BEFORE graphql's validation, over HTTP (an
// express step in front of Apollo) and over graphql-ws (in the document check). Apollo's own
// parse gets the same token limit. The guard runs the shape limits after validation only for what
// this step did not measure (a GET's variables, graphql-ws queries, the step turned off).
import type { RequestHandler } from 'express';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { AppError, BoundedMap, ErrorCode, graphqlRuntime, localeFromHeader, pick } from '@anshim/platform';
import { shapeRefusal, type ComplexityLimits } from './complexity.ts';
import { messages } from './messages.ts';

const { parse, GraphQLError: RuntimeGraphQLError } = graphqlRuntime;

export interface EarlyCheckSettings {
  /** Most tokens (names, punctuation, values) a document may have; parsing stops beyond. */
  maxTokens: number;
  limits: ComplexityLimits;
  /** false: the token limit and shape limits wait for Apollo's validation (for before/after benches). */
  enabled: boolean;
}

/** A document over the token limit: QUERY_TOO_COMPLEX with `limit: TOKENS`, HTTP 400. */
export class TooManyTokensError extends AppError {
  constructor(max: number) {
    super(messages.tooManyTokens(max), ErrorCode.QUERY_TOO_COMPLEX, { limit: 'TOKENS', max, http: { status: 400 } });
  }
}

// graphql 16 words it "Document contains more that N tokens" (sic).
const isTokenLimit = (error: unknown) => /more tha[nt] \d+ tokens/i.test((error as Error)?.message ?? '');

/**
 * `res.locals` flag: the HTTP step measured every operation of this request, before validation,
 * with its own variables, and none broke a limit. The shape limits measure the same after
 * validation (test/limits.test.ts holds them equal), so the guard skips its second measure.
 */
export const SHAPE_MEASURED = 'anshimShapeMeasured';

/** Parsed documents the HTTP step keeps by query text (a member's app sends the same few texts again and again). */
const PARSED_LIMIT = 1_000;
/** Longer texts are parsed every time: a handful of those would hold more memory than the rest. */
const PARSED_MAX_QUERY_LENGTH = 20_000;

export class EarlyDocumentCheck {
  /** Least recently used first; only texts that parsed within the token limit are kept. */
  private readonly parsed = new BoundedMap<string, DocumentNode>(PARSED_LIMIT);

  constructor(readonly settings: EarlyCheckSettings) {}

  /** Apollo's parseOptions: the same token limit on its own parse (when the check is on). */
  get parseOptions(): { maxTokens?: number } {
    return this.settings.enabled ? { maxTokens: this.settings.maxTokens } : {};
  }

  /** Parses within the token limit; a syntax error is thrown as graphql's, too many tokens as TooManyTokensError. */
  parse(query: string): DocumentNode {
    try {
      return parse(query, this.parseOptions);
    } catch (error) {
      if (this.settings.enabled && isTokenLimit(error)) throw new TooManyTokensError(this.settings.maxTokens);
      throw error;
    }
  }

  /**
   * parse() of a text seen before answers the document it made then. Parsing is pure: the same
   * text gives the same document, or the same error (errors are not kept). The shape limits still
   * run on every request, since they depend on the variables. The document is shared: it is read,
   * never changed, here (Apollo parses its own copy).
   */
  parseRemembered(query: string): DocumentNode {
    const known = this.parsed.get(query);
    if (known) {
      this.parsed.delete(query);
      this.parsed.set(query, known);
      return known;
    }
    const document = this.parse(query);
    if (query.length <= PARSED_MAX_QUERY_LENGTH) {
      this.parsed.remember(query, document);
    }
    return document;
  }

  /** The first shape limit the document breaks (before graphql's validation), or null. Off: always null. */
  refusal(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): AppError | null {
    if (!this.settings.enabled) return null;
    return shapeRefusal(schema, document, variables, this.settings.limits);
  }

  /** The refusal as graphql-ws sends it: graphql-ws' GraphQLError in the caller's language, without HTTP details. */
  static forSocket(error: AppError, locale: 'ko' | 'en'): GraphQLError {
    const { http: _http, ...extensions } = error.extensions ?? {};
    return new RuntimeGraphQLError(error.localized ? pick(error.localized, locale) : error.message, { extensions });
  }

  /**
   * Express step before Apollo: every operation of the body (or a GET's query) is parsed within
   * the token limit and measured; the first refusal answers 400 with its coded error. Documents
   * that do not parse for other reasons go on to Apollo, which reports them as usual.
   */
  middleware(schemaOf: () => GraphQLSchema | undefined): RequestHandler {
    return (req, res, next) => {
      if (!this.settings.enabled) return next();
      const schema = schemaOf();
      if (!schema) return next();
      const body: unknown = req.method === 'GET' ? req.query : req.body;
      // Whether every operation was measured with the variables Apollo will run it with (a GET's
      // variables are still JSON text here): the guard then need not measure them again.
      let measuredAll = true;
      for (const operation of Array.isArray(body) ? body : [body]) {
        const { query, variables } = (operation ?? {}) as { query?: unknown; variables?: unknown };
        if (typeof query !== 'string' || (variables != null && typeof variables !== 'object')) measuredAll = false;
        if (typeof query !== 'string') continue;
        let refused: AppError | null = null;
        try {
          refused = this.refusal(schema, this.parseRemembered(query), typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : undefined);
        } catch (error) {
          if (error instanceof TooManyTokensError) refused = error;
        }
        if (!refused) continue;
        const locale = localeFromHeader(req.headers['accept-language']);
        const { http: _http, ...extensions } = refused.extensions ?? {};
        res.status(400).json({ errors: [{ message: refused.localized ? pick(refused.localized, locale) : refused.message, extensions }] });
        return;
      }
      if (measuredAll) res.locals[SHAPE_MEASURED] = true;
      next();
    };
  }
}
