import 'reflect-metadata';
import type { Logger } from 'pino';
import type { Logger as QueryLogger } from 'typeorm';
import { systemClock, type Clock } from './common/clock';
import { createServices, resolverContainer, type Services } from './composition';
import type { Config } from './config';
import { type Database, openDatabase } from './database/database';
import { duringStartupAlone } from './database/startup-lock';
import { seedDemoData } from './demo/demo-data';
import { createLogger } from './logger';
import { buildAppSchema } from './schema';
import { startGraphqlServer } from './server/graphql-server';

export interface AppOptions {
  config: Config;
  /** Defaults to the system clock; tests pass one they can move. */
  clock?: Clock;
  logger?: Logger;
  /** Sees every SQL statement (tests count them; see test/e2e/share/statement-count.e2e.test.ts). */
  queryLogger?: QueryLogger;
  /** False turns DataLoader batching off, to measure what it buys (`npm run bench -- graph`). */
  loaderBatching?: boolean;
  /**
   * Bus notices one live subscription may fall behind by before it drops them and catches up
   * from the store (10,000); tests make it small to reach that path with few events.
   */
  liveBuffer?: number;
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
   * Resolves once the start-up work that /readyz waits for is done: the server listens before
   * it has expired what fell due while it was down, and a failed catch-up leaves it waiting for
   * the retry that succeeds.
   */
  caughtUp: Promise<void>;
  /** What graphql-ws holds right now: sockets, operations, accounts counted against the socket limit. */
  websocketStats(): { sockets: number; operations: number; accountsWithSockets: number };
  /**
   * Graceful stop: no new connections, in-flight requests finish (up to 10 s), sockets close,
   * then the database.
   */
  close(): Promise<void>;
}

/** Creates, migrates and (on first start, if enabled) seeds the database, then serves. */
export async function createApp({
  config,
  clock = systemClock,
  logger,
  queryLogger,
  loaderBatching,
  liveBuffer,
}: AppOptions): Promise<App> {
  const log = logger ?? createLogger(config.logLevel, config.nodeEnv);
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    logger: queryLogger,
  });
  const { dataSource } = db;
  const services = createServices(db, config, clock, log, { loaderBatching, liveBuffer });
  try {
    await duringStartupAlone(dataSource, async () => {
      await dataSource.runMigrations({ transaction: 'each' });
      if (config.demoData) await seedDemoData(db, services, log, config.nodeEnv);
    });
  } catch (error) {
    await services.bus.close();
    await services.rateLimits.close();
    await db.close();
    throw error;
  }

  await services.bus.connect();
  await services.publisher.start();
  // Not awaited: what fell due while the server was down is expired while it already listens
  // (many overdue shares must not hold up the start); /readyz says "catching up" until a run has
  // succeeded: one that failed may have left overdue shares live (the loop retries).
  let expiryCaughtUp = false;
  void services.expiry.start();
  const caughtUp = services.expiry.succeeded.then(() => {
    expiryCaughtUp = true;
  });
  await services.pruner.start();
  // Not awaited: a slow or absent SMTP server must not hold up the start.
  void services.mail.start();

  const server = await startGraphqlServer({
    schema: await buildAppSchema(resolverContainer(services)),
    config,
    contexts: services.contexts,
    rateLimits: services.rateLimits,
    log,
    readiness: async () => ({
      database: await db.isReachable(),
      ...(config.redisUrl && { redis: services.bus.isReady() }),
      caughtUp: expiryCaughtUp,
    }),
  });
  const { port } = server;
  log.info({ port, database: dataSource.options.type }, `devshare listening on http://localhost:${port}/graphql`);

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    db,
    services,
    log,
    caughtUp,
    websocketStats: server.websocketStats,
    close: () =>
      (closing ??= (async () => {
        await services.expiry.stop();
        await services.mail.stop();
        await services.publisher.stop();
        await services.pruner.stop();
        await server.close();
        await services.bus.close();
        await services.rateLimits.close();
        await db.close();
      })()),
  };
}
