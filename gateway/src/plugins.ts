import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@anshim/platform';
import type { GatewayContext } from './context.ts';

/** Unexpected errors (no code, or INTERNAL_SERVER_ERROR from a subgraph) go to the log with the request id. */
export function errorLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            contextValue.logger.error({ err: error.originalError ?? error, path: error.path, operationName }, 'unexpected error');
          }
        },
      };
    },
  };
}
