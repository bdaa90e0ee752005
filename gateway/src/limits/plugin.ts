import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import type { OperationGuard } from './operation-guard.ts';

/**
 * Applies the OperationGuard to every operation Apollo Server runs: HTTP requests (each member of
 * a batch) and queries or mutations sent over graphql-ws. It runs once the operation is parsed,
 * validated and chosen, before any subgraph is asked.
 */
export function limitsPlugin(guard: OperationGuard): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return; // Apollo refuses a request without a runnable operation itself
          await guard.check({
            schema,
            document,
            operation,
            variables: request.variables,
            identity: contextValue.identity,
            clientIp: contextValue.clientIp,
            devAllowance: contextValue.devAllowance !== undefined,
            shapeMeasured: contextValue.shapeMeasured === true,
            logger: contextValue.logger,
          });
        },
      };
    },
  };
}
