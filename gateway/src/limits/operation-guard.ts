import { HeaderMap } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { RateLimitedError, TemporarilyUnavailableError, graphqlRuntime, type Identity, type Logger } from '@anshim/platform';
import { assertWithinLimits, type ComplexityLimits } from './complexity.ts';
import { messages } from './messages.ts';
import type { SlidingWindowRateLimiter } from './rate-limit.ts';
import { chargesSensitive, rateCharges, type RateLimitSettings } from './rate-policy.ts';
import { rootFieldsOf } from './root-fields.ts';

const { Kind } = graphqlRuntime;

export interface OperationRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  identity: Identity | null;
  clientIp: string;
  /** The client proved the development-only allowance: the rate limits pass it (the shape limits do not). */
  devAllowance?: boolean;
  /** The HTTP step already measured the shape limits on this operation and variables (early-check.ts). */
  shapeMeasured?: boolean;
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
    if (!request.shapeMeasured) assertWithinLimits(request.schema, request.document, request.variables, this.limits);
    if (!this.rateLimits || request.devAllowance) return;
    const fragments = Object.fromEntries(
      request.document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [])),
    );
    const rootFields = rootFieldsOf(request.operation.selectionSet, fragments);
    const charges = rateCharges(this.rateLimits.settings, request, rootFields);
    let verdict;
    try {
      verdict = await this.rateLimits.limiter.charge(charges);
    } catch (error) {
      // Sign-in, sign-up and verification codes fail closed: without their counters a guesser
      // would be unlimited. Everything else fails open: losing Redis must not take the API down.
      if (chargesSensitive(this.rateLimits.settings, rootFields)) {
        request.logger.error({ err: error }, 'rate limiter unavailable; sensitive operation refused');
        throw new TemporarilyUnavailableError(messages.limiterUnavailable, {
          reason: 'RATE_LIMITER_UNAVAILABLE',
          http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) },
        });
      }
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
