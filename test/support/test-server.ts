import { randomBytes } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from 'pino';
import type { Logger as QueryLogger } from 'typeorm';
import WebSocket from 'ws';
import { createApp, type App } from '../../src/app';
import type { Clock } from '../../src/common/clock';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from './test-database';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RequestOptions {
  token?: string;
  enterpriseId?: string;
  headers?: Record<string, string>;
}

export interface Session {
  token: string;
  account: { id: string; email: string; name: string };
}

export interface TestServer {
  app: App;
  url: string;
  /** Runs an operation over real HTTP. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  /** A real graphql-ws client; closed by `close()` if the test does not. */
  wsClient(connectionParams?: Record<string, unknown>): Client;
  /** Signs up a new account with a unique e-mail (or the one given). */
  signUp(name?: string, email?: string): Promise<Session>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery';

let accounts = 0;

/** Starts the real app on an ephemeral port with a fresh database. */
export async function startTestServer(
  options: {
    clock?: Clock;
    config?: Partial<Config>;
    logger?: Logger;
    queryLogger?: QueryLogger;
    /** Rewrites the fresh database's URL, e.g. to reach it through a proxy the test controls. */
    databaseVia?: (url: string) => string;
    /** Where the fresh database is made (see createTestDatabase); DATABASE_URL's server by default. */
    databaseBase?: string;
    loaderBatching?: boolean;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(options.databaseBase);
  const config: Config = {
    nodeEnv: 'test',
    port: 0,
    databaseUrl: options.databaseVia ? options.databaseVia(database.url) : database.url,
    // `npm run test:postgres` sets REDIS_URL: then every test server fans out through Redis.
    redisUrl: process.env.REDIS_URL || undefined,
    redisChannel: `devshare:test:${randomBytes(6).toString('hex')}`,
    jwtSecret: randomBytes(32),
    jwtTtlSeconds: 3600,
    publicUrl: 'http://devshare.test',
    demoData: false,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    databasePoolSize: 5,
    shareMaxRecipients: 5,
    shareExpiryWarningHours: 24,
    smtpUrl: undefined,
    mailFrom: 'devshare <no-reply@devshare.test>',
    shareEventRetentionDays: 7,
    wsMaxSubscriptionsPerSocket: 50,
    wsMaxSocketsPerAccount: 1000,
    ...options.config,
  };
  const app = await createApp({
    config,
    clock: options.clock,
    logger: options.logger ?? createLogger(config.logLevel, 'test'),
    queryLogger: options.queryLogger,
    loaderBatching: options.loaderBatching,
  });
  const client = graphqlClient(app.url);

  return {
    app,
    url: app.url,
    gql: client.gql,
    wsClient: client.wsClient,
    signUp: client.signUp,
    async close() {
      await client.dispose();
      await app.close();
      await database.drop();
    },
  };
}

/** The client side of a server at `url` (a test server, or a server process): HTTP, graphql-ws and sign-up. */
export function graphqlClient(url: string): Pick<TestServer, 'gql' | 'wsClient' | 'signUp'> & {
  /** Closes every graphql-ws client it opened. */
  dispose(): Promise<void>;
} {
  const clients: Client[] = [];

  const gql: TestServer['gql'] = async (query, variables, requestOptions = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers };
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    if (requestOptions.enterpriseId) headers['x-enterprise-id'] = requestOptions.enterpriseId;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...body } as never;
  };

  return {
    gql,
    wsClient(connectionParams) {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
      });
      clients.push(client);
      return client;
    },
    async signUp(name = 'Test User', email = `user${++accounts}-${randomBytes(3).toString('hex')}@example.com`) {
      const response = await gql<{ signUp: Session }>(
        `mutation ($input: SignUpInput!) { signUp(input: $input) { token account { id email name } } }`,
        { input: { email, password: TEST_PASSWORD, name } },
      );
      if (!response.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(response.errors)}`);
      return response.data.signUp;
    },
    async dispose() {
      await Promise.all(clients.map((client) => client.dispose()));
    },
  };
}

/** Runs one operation over a graphql-ws client and resolves with its single result. */
export function wsExecute<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<FormattedExecutionResult<T, unknown>> {
  return new Promise((resolve, reject) => {
    let result: FormattedExecutionResult<T, unknown> | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = value),
        error: reject,
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  });
}

/** The `extensions.code` of every error of a response, in order. */
export const errorCodes = (response: { errors?: readonly { extensions?: Record<string, unknown> }[] | null }) =>
  (response.errors ?? []).map((error) => error.extensions?.code);

/** The nodes of a Relay connection, in order. */
export const nodes = <T>(connection: { edges: { node: T }[] } | null | undefined): T[] =>
  (connection?.edges ?? []).map((edge) => edge.node);
