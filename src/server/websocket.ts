import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  getOperationAST,
  GraphQLError,
  locatedError,
  subscribe,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode, serviceUnavailable } from '../common/errors';
import type { ContextFactory, ContextParams, RequestContext } from '../context/request-context';
import { isDatabaseUnavailable } from '../database/database';
import { logUnexpected, type ErrorFormatter } from './error-formatter';
import type { OperationGuard } from './operation-limits';
import type { RequestGate } from './request-gate';

/** What a client may send in graphql-ws's `connection_init` payload. */
type ConnectionParams = Record<string, unknown> & {
  authorization?: unknown;
  'x-enterprise-id'?: unknown;
  enterpriseId?: unknown;
};

/** One running operation of a socket, for its log line. */
interface RunningOperation {
  started: number;
  operationName: string | null;
  log: Logger;
  errors: number;
}

interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  operations: Map<string, RunningOperation>;
}

const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);

export interface WebSocketLimits {
  /** Operations one socket may run at once; one more answers RATE_LIMITED for that operation. */
  maxSubscriptionsPerSocket: number;
  /** Sockets one account may hold; one more is closed with 4429. */
  maxSocketsPerAccount: number;
  /** How often an idle socket is pinged; one that has not answered by the next ping is dropped. */
  keepAliveMs: number;
  /**
   * Bytes the server may hold for a socket that has not read them (what `ws` has not yet handed
   * to the kernel). A client that stops reading holds at most one message per operation (a send
   * waits for the one before) and a bounded queue of bus notices per subscription (LiveQueue);
   * once its unsent messages pass this, it is dropped at once, without waiting for the next ping,
   * and resumes with `after` when it comes back.
   */
  maxBufferedBytes: number;
}

/** The close code for an account over its socket limit (graphql-ws keeps 4400-4499 for such errors). */
export const TOO_MANY_SOCKETS = 4429;
/** The close code for a connection over its address's request rate (RATE_LIMIT_PER_ADDRESS_PER_MINUTE). */
export const TOO_MANY_REQUESTS = 4429;
/** The WebSocket close code for "Try Again Later" (RFC 6455 registry): the database is unreachable. */
export const TRY_AGAIN_LATER = 1013;

export interface GraphqlWsOptions {
  contexts: ContextFactory;
  guard: OperationGuard;
  gate: RequestGate;
  formatError: ErrorFormatter;
  log: Logger;
  /** The client's address behind the trusted proxies (TRUST_PROXY), as HTTP requests get it. */
  clientAddressOf: (request: IncomingMessage) => string;
  limits: WebSocketLimits;
}

/**
 * graphql-ws on the HTTP server's port and path, under the same rules as HTTP requests: the
 * socket must log in with its `connection_init` (`authorization`, checked once: a missing token
 * closes it with 4401, a bad one with 4403); every operation then passes the same operation
 * limits, request rates and RequestContext factory as an HTTP request, its errors pass through
 * the same formatter, and it gets a log line when it ends. Messages are at most
 * `maxRequestBytes`. Whatever way a socket closes, its operations are returned and its place in
 * the account's socket count is given back at once.
 */
export function attachGraphqlWs(httpServer: Server, schema: GraphQLSchema, options: GraphqlWsOptions) {
  const { contexts, guard, gate, formatError, log, clientAddressOf, limits } = options;
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: guard.limits.maxRequestBytes,
    handleProtocols,
  });
  const socketsPerAccount = new Map<string, number>();
  const openSockets = new Set<SocketExtra>();
  const accountOfSocket = new WeakMap<WebSocket, string>();

  const releaseSlot = (socket: WebSocket) => {
    const accountId = accountOfSocket.get(socket);
    if (!accountId) return;
    accountOfSocket.delete(socket);
    const open = (socketsPerAccount.get(accountId) ?? 1) - 1;
    if (open > 0) socketsPerAccount.set(accountId, open);
    else socketsPerAccount.delete(accountId);
  };

  const paramsOf = (ctx: Context<ConnectionParams, SocketExtra>, requestId: string): ContextParams => ({
    requestId,
    clientAddress: clientAddressOf(ctx.extra.request),
    authorization: asString(ctx.connectionParams?.authorization),
    enterpriseId: asString(ctx.connectionParams?.['x-enterprise-id']) ?? asString(ctx.connectionParams?.enterpriseId),
    timeLimitMs: guard.limits.timeoutMs,
  });

  const finish = (ctx: Context<ConnectionParams, SocketExtra>, id: string) => {
    const operation = ctx.extra.operations.get(id);
    if (!operation) return;
    ctx.extra.operations.delete(id);
    operation.log.info(
      {
        transport: 'graphql-ws',
        operationName: operation.operationName,
        durationMs: Math.round((performance.now() - operation.started) * 10) / 10,
        errors: operation.errors,
      },
      'graphql request',
    );
  };

  const server = makeServer<ConnectionParams, SocketExtra>({
    schema,
    // graphql-js throws, rather than answers, what goes wrong outside any field (a subscription
    // resolver that returns no stream): answered, onNext logs it with the request id and the
    // formatter masks it, where thrown it would close the socket with its other operations.
    subscribe: async (args) => {
      try {
        return await subscribe(args);
      } catch (error) {
        return { errors: [locatedError(error, undefined)] };
      }
    },
    connectionInitWaitTimeout: 3_000,
    onConnect: async (ctx) => {
      const { socket, request } = ctx.extra;
      const authorization = asString(ctx.connectionParams?.authorization);
      if (!authorization) {
        socket.close(CloseCode.Unauthorized, 'Log in first: send connectionParams.authorization');
        return false;
      }
      let accountId: string;
      try {
        await gate.admitAddress(clientAddressOf(request));
        accountId = (await contexts.authenticate(authorization)).account.id;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          socket.close(TRY_AGAIN_LATER, 'The service cannot reach its database right now; try again shortly');
        } else if (error instanceof GraphQLError && error.extensions.code === ErrorCode.RATE_LIMITED) {
          socket.close(TOO_MANY_REQUESTS, error.message);
        } else if (!(error instanceof GraphQLError)) {
          log.error({ err: error, clientAddress: clientAddressOf(request) }, 'graphql-ws connection failed');
          socket.close(CloseCode.InternalServerError, 'Internal server error');
        }
        return false; // otherwise graphql-ws closes the socket with 4403 Forbidden
      }
      if (socket.readyState !== socket.OPEN) return false; // it went away while we checked
      const open = socketsPerAccount.get(accountId) ?? 0;
      if (open >= limits.maxSocketsPerAccount) {
        socket.close(TOO_MANY_SOCKETS, 'Too many open connections for this account');
        return false;
      }
      socketsPerAccount.set(accountId, open + 1);
      accountOfSocket.set(socket, accountId);
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      const started = performance.now();
      const requestId = randomUUID();
      // The operation's logger from the start: a failure before its RequestContext exists still carries its request id.
      const operation: RunningOperation = {
        started,
        operationName: payload.operationName ?? null,
        log: log.child({ requestId }),
        errors: 0,
      };
      ctx.extra.operations.set(id, operation);
      // graphql-ws has already entered this operation in ctx.subscriptions.
      if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
        return [
          new GraphQLError(`At most ${limits.maxSubscriptionsPerSocket} operations run at once on one connection`, {
            extensions: { code: ErrorCode.RATE_LIMITED },
          }),
        ];
      }
      let contextValue: RequestContext;
      try {
        contextValue = await contexts.create(paramsOf(ctx, requestId));
        await gate.admit(contextValue);
        const document = guard.parse(payload.query);
        const errors = guard.validate(document);
        if (errors.length) return [...errors];
        guard.checkOperation(document, payload.operationName, payload.variables ?? {});
        operation.operationName ??= getOperationAST(document, payload.operationName)?.name?.value ?? null;
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
        // Thrown, it would close the socket with its other operations. Answered, onError logs it
        // with the request id and the formatter masks it (INTERNAL_SERVER_ERROR).
        return [locatedError(error, undefined)];
      }
    },
    onNext: (ctx, id, _payload, args, result) => {
      const operation = ctx.extra.operations.get(id);
      let answer: ExecutionResult = result;
      if (result.errors?.length) {
        logUnexpected(operation?.log ?? log, result.errors);
        if (operation) operation.errors += result.errors.length;
        answer = { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error) as never) };
      }
      const tooLarge = guard.responseSizeError(answer);
      if (tooLarge) answer = { errors: [formatError(tooLarge.toJSON(), tooLarge) as never] };
      return answer === result ? undefined : answer;
    },
    onError: (ctx, id, _payload, errors) => {
      const operation = ctx.extra.operations.get(id);
      if (operation) operation.errors += errors.length;
      logUnexpected(operation?.log ?? log, errors);
      finish(ctx, id);
      return errors.map((error) => formatError(error.toJSON(), error));
    },
    onComplete: (ctx, id) => finish(ctx, id),
  });

  wsServer.on('error', (error) => log.error({ err: error }, 'graphql-ws server error'));
  wsServer.on('connection', (socket, request) => {
    const extra: SocketExtra = { socket, request, operations: new Map() };
    openSockets.add(extra);
    const closeOnInternalError = (error: unknown, what: string) => {
      log.error({ err: error, clientAddress: clientAddressOf(request) }, what);
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    };
    // A message over maxPayload makes `ws` close the socket with 1009 and emit this error.
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        log.warn({ clientAddress: clientAddressOf(request) }, 'graphql-ws message over the size limit');
        return;
      }
      closeOnInternalError(error, 'graphql-ws socket error');
    });

    // A socket is judged only on time the server itself was free to hear it: a tick that comes
    // late (the event loop was busy, e.g. inside a long SQLite transaction) pings again instead
    // of judging, and the verdict waits for setImmediate, after the poll phase has read any pong
    // that arrived while the loop was busy (timers run before I/O in each turn of the loop).
    let awaitingPong = false;
    let lastTick = performance.now();
    const keepAlive = setInterval(() => {
      const now = performance.now();
      const serverWasBusy = now - lastTick > limits.keepAliveMs * 1.5;
      lastTick = now;
      setImmediate(() => {
        if (awaitingPong && !serverWasBusy) return socket.terminate();
        awaitingPong = true;
        socket.ping();
      });
    }, limits.keepAliveMs);
    socket.on('pong', () => (awaitingPong = false));

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
            if (socket.bufferedAmount > limits.maxBufferedBytes) {
              log.warn(
                { clientAddress: clientAddressOf(request), bufferedBytes: socket.bufferedAmount },
                'graphql-ws client is not reading its messages: dropped',
              );
              socket.terminate();
            }
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              closeOnInternalError(error, 'graphql-ws message failed');
            }
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      // Given back now, not once the socket's operations have wound down: a reload must not cost a slot.
      releaseSlot(socket);
      closed(code, String(reason))
        .catch((error: unknown) => log.error({ err: error }, 'graphql-ws close failed'))
        .finally(() => openSockets.delete(extra));
    });
  });

  return {
    /**
     * What the server holds for sockets right now: sockets not yet wound down, operations running
     * on them, and accounts counted against WS_MAX_SOCKETS_PER_ACCOUNT (for tests and metrics).
     */
    stats: () => ({
      sockets: openSockets.size,
      operations: [...openSockets].reduce((sum, extra) => sum + extra.operations.size, 0),
      accountsWithSockets: socketsPerAccount.size,
    }),
    /** Closes every socket (1001 Going away) and stops accepting new ones. */
    dispose: async () => {
      for (const socket of wsServer.clients) socket.close(1001, 'Going away');
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
