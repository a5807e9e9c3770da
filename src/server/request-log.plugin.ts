import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context/request-context';
import { logUnexpected } from './error-formatter';

/** One log line per GraphQL request: operation, duration, outcome; plus every masked error in full. */
export const requestLogPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    const started = performance.now();
    return {
      async didEncounterErrors({ contextValue, errors }) {
        logUnexpected(contextValue.log, errors);
      },
      async willSendResponse({ contextValue, request, operationName, errors }) {
        contextValue.log.info(
          {
            operationName: operationName ?? request.operationName ?? null,
            durationMs: Math.round((performance.now() - started) * 10) / 10,
            errors: errors?.length ?? 0,
          },
          'graphql request',
        );
      },
    };
  },
};
