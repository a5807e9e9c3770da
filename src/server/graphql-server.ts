import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import proxyAddr from 'proxy-addr';
import type { RateLimits } from '../common/rate-limits';
import type { Config } from '../config';
import type { ContextFactory, RequestContext } from '../context/request-context';
import { errorFormatter, serviceUnavailableStatusPlugin } from './error-formatter';
import { attachHttpRoutes, type Readiness } from './http';
import { OperationGuard } from './operation-limits';
import { RequestGate } from './request-gate';
import { requestLogPlugin } from './request-log.plugin';
import { attachGraphqlWs } from './websocket';

const SHUTDOWN_GRACE_MS = 8_000;

export interface GraphqlServerOptions {
  schema: GraphQLSchema;
  config: Config;
  contexts: ContextFactory;
  rateLimits: RateLimits;
  log: Logger;
  /** What /readyz reports, asked at every request to it. */
  readiness: () => Promise<Readiness>;
}

/** The HTTP server, listening: Apollo over express and graphql-ws, on one port and path (/graphql). */
export interface GraphqlServer {
  port: number;
  /** What graphql-ws holds right now: sockets, operations, accounts counted against the socket limit. */
  websocketStats(): { sockets: number; operations: number; accountsWithSockets: number };
  /** No new connections; in-flight HTTP requests finish (up to 8 s); sockets close. */
  close(): Promise<void>;
}

/**
 * Serves `schema` on `config.port`: the same operation limits, request gate, error masking and
 * request logging over HTTP (Apollo) and over graphql-ws (server/websocket.ts).
 */
export async function startGraphqlServer({
  schema,
  config,
  contexts,
  rateLimits,
  log,
  readiness,
}: GraphqlServerOptions): Promise<GraphqlServer> {
  const guard = new OperationGuard(schema, config.operationLimits);
  const gate = new RequestGate(rateLimits, config.requestRates);
  const formatError = errorFormatter(guard);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer: Server = createServer(app);
  // Idle keep-alive connections stay open longer than load balancers and HTTP clients keep theirs
  // (60 s is the common default): a server that closes first races the client's next request on
  // that connection, which then fails with ECONNRESET. Headers must be allowed a little longer.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const ws = attachGraphqlWs(httpServer, schema, {
    contexts,
    guard,
    gate,
    formatError,
    log,
    // The same answer as express's req.ip, for the upgrade request of a socket.
    clientAddressOf: (request) =>
      proxyAddr(request, app.get('trust proxy fn') as (address: string, hop: number) => boolean),
    limits: {
      maxSubscriptionsPerSocket: config.wsMaxSubscriptionsPerSocket,
      maxSocketsPerAccount: config.wsMaxSocketsPerAccount,
      keepAliveMs: config.wsKeepAliveMs,
      maxBufferedBytes: config.wsMaxBufferedBytes,
    },
  });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // The guard's rules (graphql-ws applies the same ones itself): tokens, depth, aliases,
    // directives, introspection; then cost and answer size in its plugin. Introspection is the
    // guard's call (GRAPHQL_INTROSPECTION), not a second rule of Apollo's.
    parseOptions: guard.parseOptions,
    validationRules: guard.validationRules,
    introspection: true,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would re-raise the signal and skip our exit code.
    stopOnTerminationSignals: false,
    plugins: [
      // Apollo's cache-control plugin (on by default) instruments every field of every answer for
      // hints this API never gives; every answer is per viewer and `no-store` (http.ts says so).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: SHUTDOWN_GRACE_MS }),
      requestLogPlugin,
      guard.apolloPlugin(),
      serviceUnavailableStatusPlugin,
    ],
  });
  await apollo.start();
  attachHttpRoutes(app, { apollo, contexts, gate, limits: config.operationLimits, readiness });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, () => resolve());
  });
  return {
    port: (httpServer.address() as AddressInfo).port,
    websocketStats: ws.stats,
    close: async () => {
      await ws.dispose();
      await apollo.stop();
    },
  };
}
