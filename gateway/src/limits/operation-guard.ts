import { HeaderMap } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { RateLimitedError, graphqlRuntime, type Identity, type Logger } from '@anshim/platform';
import { assertWithinLimits, type ComplexityLimits } from './complexity.ts';
import { messages } from './messages.ts';
import type { SlidingWindowRateLimiter } from './rate-limit.ts';
import { rateCharges, type RateLimitSettings } from './rate-policy.ts';
import { rootFieldsOf } from './root-fields.ts';

const { Kind } = graphqlRuntime;

export interface OperationRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  identity: Identity | null;
  clientIp: string;
  logger: Logger;
}

/**
 * Every limit an operation passes before it runs, whatever the transport (HTTP through the
 * Apollo plugin, graphql-ws subscriptions in onSubscribe): its shape first (free), then the
 * Redis rate limits (one round trip). Throws QueryTooComplexError or RateLimitedError.
 */
export class OperationGuard {
  constructor(
    private readonly limits: ComplexityLimits,
    private readonly rateLimits: { limiter: SlidingWindowRateLimiter; settings: RateLimitSettings } | null,
  ) {}

  async check(request: OperationRequest): Promise<void> {
    assertWithinLimits(request.schema, request.document, request.variables, this.limits);
    if (!this.rateLimits) return;
    const fragments = Object.fromEntries(
      request.document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [])),
    );
    const charges = rateCharges(this.rateLimits.settings, request, rootFieldsOf(request.operation.selectionSet, fragments));
    let verdict;
    try {
      verdict = await this.rateLimits.limiter.charge(charges);
    } catch (error) {
      // Fail open: losing Redis must not take the whole API down; sign-in checks still fail closed.
      request.logger.error({ err: error }, 'rate limiter unavailable; operation let through');
      return;
    }
    if (verdict.allowed) return;
    request.logger.info({ key: verdict.key, retryAfter: verdict.retryAfterSeconds }, 'rate limited');
    const retryAfter = String(verdict.retryAfterSeconds);
    throw new RateLimitedError(messages.rateLimited(verdict.retryAfterSeconds), verdict.retryAfterSeconds, {
      http: { status: 429, headers: new HeaderMap([['retry-after', retryAfter]]) },
    });
  }
}
