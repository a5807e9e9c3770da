import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { ContextFactory, ContextParams } from '../context/request-context';
import { formatError, logUnexpected } from './error-formatter';

/** What a client may send in graphql-ws's `connection_init` payload. */
type ConnectionParams = Record<string, unknown> & {
  authorization?: unknown;
  'x-enterprise-id'?: unknown;
  enterpriseId?: unknown;
};

const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);

function paramsOf(connectionParams: ConnectionParams | undefined, requestId: string): ContextParams {
  return {
    requestId,
    authorization: asString(connectionParams?.authorization),
    enterpriseId: asString(connectionParams?.['x-enterprise-id']) ?? asString(connectionParams?.enterpriseId),
  };
}

/**
 * graphql-ws on the HTTP server's port and path. The token is checked when the socket connects
 * (a bad one closes it with 4403); every operation then gets a fresh RequestContext from the same
 * factory as HTTP requests, and its errors pass through the same formatter, since graphql-ws
 * does not use Apollo's.
 */
export function attachGraphqlWs(httpServer: Server, schema: GraphQLSchema, contexts: ContextFactory, log: Logger) {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const server = useServer<ConnectionParams>(
    {
      schema,
      connectionInitWaitTimeout: 3_000,
      onConnect: async (ctx) => {
        const authorization = asString(ctx.connectionParams?.authorization);
        if (!authorization) return true;
        try {
          await contexts.authenticate(authorization);
          return true;
        } catch {
          return false; // graphql-ws closes the socket with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        try {
          const contextValue = await contexts.create(paramsOf(ctx.connectionParams, randomUUID()));
          return {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue,
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const requestLog = (args.contextValue as { log?: Logger } | undefined)?.log ?? log;
        logUnexpected(requestLog, result.errors);
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatError(error.toJSON(), error)),
    },
    wsServer,
  );
  return {
    /** Closes every socket (1001 Going away) and stops accepting new ones. */
    dispose: async () => {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
