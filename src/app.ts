import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Request } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { ContainerType } from 'type-graphql';
import type { Logger as QueryLogger } from 'typeorm';
import { systemClock, type Clock } from './common/clock';
import { ErrorCode, serviceUnavailable } from './common/errors';
import type { Config } from './config';
import { ContextFactory, type RequestContext } from './context/request-context';
import { createDataSource } from './database/data-source';
import { Database, isDatabaseUnavailable } from './database/database';
import { duringStartupAlone } from './database/startup-lock';
import { seedDemoData } from './demo/demo-data';
import { createLogger } from './logger';
import { AccountResolver } from './modules/account/account.resolver';
import { AccountService } from './modules/account/account.service';
import { AuthTokenService } from './modules/account/auth-token.service';
import { LoginThrottle } from './modules/account/login-throttle';
import { AuditResolver } from './modules/audit/audit.resolver';
import { AuditService } from './modules/audit/audit.service';
import { DeviceOperationResolver } from './modules/device/device-operation.resolver';
import { DeviceOperationService } from './modules/device/device-operation.service';
import { DeviceResolver } from './modules/device/device.resolver';
import { DeviceService } from './modules/device/device.service';
import { EnterpriseResolver } from './modules/enterprise/enterprise.resolver';
import { EnterpriseService } from './modules/enterprise/enterprise.service';
import { createMailSender, createMailTransport } from './modules/mail/mail-sender';
import { createShareExpiryScheduler } from './modules/share/share-expiry.scheduler';
import { RedisShareEventBus } from './modules/share/redis-share-event-bus';
import { InProcessShareEventBus } from './modules/share/share-event-bus';
import { createShareEventPruner, createShareEventPublisher } from './modules/share/share-event-publisher';
import { ShareEventResolver } from './modules/share/share-event.resolver';
import { ShareEventService } from './modules/share/share-event.service';
import { ShareInvitations } from './modules/share/share-invitation';
import { ShareQueryService } from './modules/share/share-query.service';
import { ShareResolver } from './modules/share/share.resolver';
import { ShareService } from './modules/share/share.service';
import { buildAppSchema } from './schema';
import { formatError, serviceUnavailableStatusPlugin } from './server/error-formatter';
import { requestLogPlugin } from './server/request-log.plugin';
import { attachGraphqlWs } from './server/websocket';

export interface AppOptions {
  config: Config;
  /** Defaults to the system clock; tests pass one they can move. */
  clock?: Clock;
  logger?: Logger;
  /** Sees every SQL statement (tests count them; see test/e2e/statement-count.e2e.test.ts). */
  queryLogger?: QueryLogger;
  /** False turns DataLoader batching off, to measure what it buys (`npm run bench -- graph`). */
  loaderBatching?: boolean;
}

/** A running devshare server. */
export interface App {
  /** `http://127.0.0.1:<port>/graphql`, for HTTP and graphql-ws alike. */
  url: string;
  port: number;
  db: Database;
  services: Services;
  log: Logger;
  /**
   * Graceful stop: no new connections, in-flight requests finish (up to 10 s), sockets close,
   * then the database.
   */
  close(): Promise<void>;
}

export type Services = ReturnType<typeof createServices>;

const BODY_LIMIT = '1mb';
const SHUTDOWN_GRACE_MS = 8_000;

function createServices(db: Database, config: Config, clock: Clock, log: Logger, loaderBatching = true) {
  const audit = new AuditService(db);
  const tokens = new AuthTokenService(config.jwtSecret, config.jwtTtlSeconds, clock);
  const enterprises = new EnterpriseService(db, audit);
  const invitations = new ShareInvitations(config.jwtSecret, config.publicUrl);
  const shares = new ShareService(db, audit, enterprises, invitations, {
    maxRecipients: config.shareMaxRecipients,
    expiryWarningMs: config.shareExpiryWarningHours * 3600 * 1000,
  });
  const bus = config.redisUrl
    ? new RedisShareEventBus(config.redisUrl, log, config.redisChannel)
    : new InProcessShareEventBus();
  const events = new ShareEventService(db, bus);
  const contexts = new ContextFactory(
    db,
    tokens,
    log,
    clock,
    { shareEvents: (ctx, filter) => events.stream(ctx, filter) },
    loaderBatching,
  );
  const publisher = createShareEventPublisher(db, bus, clock, log);
  shares.watchChanges(() => publisher.wake());
  const mail = createMailSender(db, createMailTransport(config.smtpUrl, config.mailFrom, log), clock, log);
  shares.watchChanges(() => mail.wake());
  const loginThrottle = new LoginThrottle(
    config.redisUrl ? { url: config.redisUrl, namespace: config.redisChannel } : undefined,
    log,
  );
  return {
    audit,
    tokens,
    contexts,
    expiry: createShareExpiryScheduler(shares, contexts, clock, log),
    mail,
    bus,
    events,
    publisher,
    pruner: createShareEventPruner(events, config.shareEventRetentionDays, clock, log),
    loginThrottle,
    accounts: new AccountService(db, tokens, audit, loginThrottle),
    enterprises,
    devices: new DeviceService(db, audit, shares),
    operations: new DeviceOperationService(db, audit),
    shares,
    shareQueries: new ShareQueryService(db),
  };
}

/** Hands type-graphql the resolver instances wired to this app's services. */
function resolverContainer(services: Services): ContainerType {
  const instances = new Map<unknown, unknown>([
    [AccountResolver, new AccountResolver(services.accounts)],
    [EnterpriseResolver, new EnterpriseResolver(services.enterprises)],
    [DeviceResolver, new DeviceResolver(services.devices)],
    [AuditResolver, new AuditResolver(services.audit)],
    [ShareResolver, new ShareResolver(services.shares, services.shareQueries)],
    [ShareEventResolver, new ShareEventResolver(services.events)],
    [DeviceOperationResolver, new DeviceOperationResolver(services.operations)],
  ]);
  return { get: (type: new () => unknown) => instances.get(type) ?? new type() };
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

/** Creates, migrates and (on first start, if enabled) seeds the database, then serves. */
export async function createApp({
  config,
  clock = systemClock,
  logger,
  queryLogger,
  loaderBatching,
}: AppOptions): Promise<App> {
  const log = logger ?? createLogger(config.logLevel, config.nodeEnv);
  const dataSource = createDataSource({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    logger: queryLogger,
  });
  await dataSource.initialize();
  const db = new Database(dataSource);
  const services = createServices(db, config, clock, log, loaderBatching);
  try {
    await duringStartupAlone(dataSource, async () => {
      await dataSource.runMigrations({ transaction: 'each' });
      if (config.demoData) await seedDemoData(db, services, log);
    });
  } catch (error) {
    await services.bus.close();
    await services.loginThrottle.close();
    await dataSource.destroy();
    throw error;
  }

  await services.bus.connect();
  await services.publisher.start();
  await services.expiry.start();
  await services.pruner.start();
  // Not awaited: a slow or absent SMTP server must not hold up the start.
  void services.mail.start();

  const schema = await buildAppSchema(resolverContainer(services));
  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  const ws = attachGraphqlWs(httpServer, schema, services.contexts, log, {
    maxSubscriptionsPerSocket: config.wsMaxSubscriptionsPerSocket,
    maxSocketsPerAccount: config.wsMaxSocketsPerAccount,
  });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would re-raise the signal and skip our exit code.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: SHUTDOWN_GRACE_MS }),
      requestLogPlugin,
      serviceUnavailableStatusPlugin,
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await db.isReachable();
    const bus = services.bus.isReady();
    const ready = database && bus;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      database: database ? 'up' : 'down',
      ...(config.redisUrl && { redis: bus ? 'up' : 'down' }),
    });
  });
  app.use(
    '/graphql',
    (req, res, next) => {
      res.locals.requestId = requestIdOf(req);
      res.setHeader('x-request-id', res.locals.requestId as string);
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          return await services.contexts.create({
            requestId: res.locals.requestId as string,
            authorization: headerValue(req, 'authorization'),
            enterpriseId: headerValue(req, 'x-enterprise-id'),
          });
        } catch (error) {
          // A request whose caller cannot be established never runs: 401 for a bad token, 400 otherwise.
          if (isDatabaseUnavailable(error)) throw serviceUnavailable();
          if (!(error instanceof GraphQLError)) throw error;
          const status = error.extensions.code === ErrorCode.UNAUTHENTICATED ? 401 : 400;
          throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
        }
      },
    }),
  );
  app.use(bodyErrorHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  log.info({ port, database: dataSource.options.type }, `devshare listening on http://localhost:${port}/graphql`);

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    db,
    services,
    log,
    close: () =>
      (closing ??= (async () => {
        await services.expiry.stop();
        await services.mail.stop();
        await services.publisher.stop();
        await services.pruner.stop();
        await ws.dispose();
        await services.bus.close();
        await services.loginThrottle.close();
        await apollo.stop();
        if (dataSource.isInitialized) await dataSource.destroy();
      })()),
  };
}

/** Malformed or oversized JSON bodies answer a GraphQL-shaped error, not an HTML page. */
const bodyErrorHandler: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    error.type === 'entity.too.large'
      ? `The request body is larger than ${BODY_LIMIT}`
      : status === 500
        ? 'Internal server error'
        : 'The request body is not valid JSON';
  res.status(status).json({
    errors: [
      { message, extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_USER_INPUT } },
    ],
  });
};
