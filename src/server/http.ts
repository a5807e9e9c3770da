import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import { GraphQLError } from 'graphql';
import { ErrorCode, serviceUnavailable } from '../common/errors';
import type { OperationLimits } from '../config';
import type { ContextFactory, RequestContext } from '../context/request-context';
import { isDatabaseUnavailable } from '../database/database';
import type { RequestGate } from './request-gate';

/** What /readyz reports: 200 only when everything is up and start-up work is done. */
export interface Readiness {
  database: boolean;
  /** Undefined without Redis. */
  redis?: boolean;
  /** False while the expiry catch-up of the start runs. */
  caughtUp: boolean;
}

export interface HttpRoutesOptions {
  apollo: ApolloServer<RequestContext>;
  contexts: ContextFactory;
  gate: RequestGate;
  limits: Pick<OperationLimits, 'maxRequestBytes' | 'timeoutMs'>;
  readiness: () => Promise<Readiness>;
}

/**
 * The HTTP side of the server, beside graphql-ws (websocket.ts): /healthz, /readyz, and /graphql,
 * where every request gets a request id, a body size limit, its RequestContext (authenticated,
 * through the request gate) and Apollo. Bodies that are not JSON answer GraphQL-shaped errors.
 */
export function attachHttpRoutes(app: Express, { apollo, contexts, gate, limits, readiness }: HttpRoutesOptions): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const state = await readiness();
    const ready = state.database && state.redis !== false && state.caughtUp;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      database: state.database ? 'up' : 'down',
      ...(state.redis !== undefined && { redis: state.redis ? 'up' : 'down' }),
      ...(!state.caughtUp && { expiry: 'catching up' }),
    });
  });
  app.use(
    '/graphql',
    (req, res, next) => {
      res.locals.requestId = requestIdOf(req);
      res.setHeader('x-request-id', res.locals.requestId as string);
      // Every answer is the viewer's own: no cache along the way may keep it.
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: limits.maxRequestBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          const ctx = await contexts.create({
            requestId: res.locals.requestId as string,
            timeLimitMs: limits.timeoutMs,
            clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
            authorization: headerValue(req, 'authorization'),
            enterpriseId: headerValue(req, 'x-enterprise-id'),
          });
          await gate.admit(ctx);
          return ctx;
        } catch (error) {
          // A request whose caller cannot be established, or that is over its rate, never runs.
          if (isDatabaseUnavailable(error)) throw serviceUnavailable();
          if (!(error instanceof GraphQLError)) throw error;
          const http = httpStatusOf(error);
          throw new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
        }
      },
    }),
  );
  app.use(bodyErrorHandler);
}

const headerValue = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A client-chosen request id is kept when it is short and plain; otherwise a new one is made. */
const requestIdOf = (req: Request): string => {
  const given = headerValue(req, 'x-request-id');
  return given && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
};

/** 401 for a bad token, 429 (with Retry-After) over a request rate, 400 otherwise. */
function httpStatusOf(error: GraphQLError): { status: number; headers?: Map<string, string> } {
  const { code, retryAfterSeconds } = error.extensions;
  if (code === ErrorCode.UNAUTHENTICATED) return { status: 401 };
  if (code === ErrorCode.RATE_LIMITED)
    return { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) };
  return { status: 400 };
}

/** Malformed or oversized JSON bodies answer a GraphQL-shaped error, not an HTML page. */
const bodyErrorHandler: ErrorRequestHandler = (
  error: { status?: number; type?: string; limit?: number },
  _req,
  res,
  next,
) => {
  if (res.headersSent) return next(error);
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    error.type === 'entity.too.large'
      ? `The request body is larger than ${error.limit} bytes (GRAPHQL_MAX_REQUEST_BYTES)`
      : status === 500
        ? 'Internal server error'
        : 'The request body is not valid JSON';
  res.status(status).json({
    errors: [
      { message, extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_USER_INPUT } },
    ],
  });
};
