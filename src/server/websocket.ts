import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode, serviceUnavailable } from '../common/errors';
import type { ContextFactory, ContextParams } from '../context/request-context';
import { isDatabaseUnavailable } from '../database/database';
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
export interface WebSocketLimits {
  /** Operations one socket may run at once; one more answers RATE_LIMITED for that operation. */
  maxSubscriptionsPerSocket: number;
  /** Sockets one account may hold; one more is closed with 4429. */
  maxSocketsPerAccount: number;
}

/** The close code for an account over its socket limit (graphql-ws keeps 4400-4499 for such errors). */
export const TOO_MANY_SOCKETS = 4429;
/** The WebSocket close code for "Try Again Later" (RFC 6455 registry): the database is unreachable. */
export const TRY_AGAIN_LATER = 1013;

export function attachGraphqlWs(
  httpServer: Server,
  schema: GraphQLSchema,
  contexts: ContextFactory,
  log: Logger,
  limits: WebSocketLimits,
) {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const socketsPerAccount = new Map<string, number>();
  const accountOfSocket = new WeakMap<object, string>();
  const server = useServer<ConnectionParams, { socket: WebSocket }>(
    {
      schema,
      connectionInitWaitTimeout: 3_000,
      onConnect: async (ctx) => {
        const authorization = asString(ctx.connectionParams?.authorization);
        if (!authorization) return true;
        let accountId: string;
        try {
          accountId = (await contexts.authenticate(authorization)).account.id;
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            ctx.extra.socket.close(
              TRY_AGAIN_LATER,
              'The service cannot reach its database right now; try again shortly',
            );
          }
          return false; // otherwise graphql-ws closes the socket with 4403 Forbidden
        }
        const open = socketsPerAccount.get(accountId) ?? 0;
        if (open >= limits.maxSocketsPerAccount) {
          ctx.extra.socket.close(TOO_MANY_SOCKETS, 'Too many open connections for this account');
          return false;
        }
        socketsPerAccount.set(accountId, open + 1);
        accountOfSocket.set(ctx.extra.socket, accountId);
        return true;
      },
      onClose: (ctx) => {
        const accountId = accountOfSocket.get(ctx.extra.socket);
        if (!accountId) return;
        accountOfSocket.delete(ctx.extra.socket);
        const open = (socketsPerAccount.get(accountId) ?? 1) - 1;
        if (open > 0) socketsPerAccount.set(accountId, open);
        else socketsPerAccount.delete(accountId);
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has already entered this operation in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerSocket} operations run at once on one connection`, {
              extensions: { code: ErrorCode.RATE_LIMITED },
            }),
          ];
        }
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
          if (isDatabaseUnavailable(error)) return [serviceUnavailable()];
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
