import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, createErrorFormatter } from '@anshim/platform';

/**
 * The platform's formatter (production masks unexpected errors), plus: an error a client is
 * meant to see never carries a stack trace, and in production no subgraph response details
 * (its URL and body, which @apollo/gateway attaches to non-2xx answers) reach the client.
 */
export function gatewayErrorFormatter(options: { production: boolean }) {
  // Unexpected errors are logged with their request id by errorLogPlugin, not here.
  const format = createErrorFormatter({ production: options.production });
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    if (!result.extensions) return result;
    const { stacktrace, response, ...extensions } = result.extensions;
    const internal = extensions.code === ErrorCode.INTERNAL_SERVER_ERROR;
    return {
      ...result,
      extensions: {
        ...extensions,
        ...(internal && !options.production && stacktrace ? { stacktrace } : {}),
        ...(!options.production && response ? { response } : {}),
      },
    };
  };
}
