import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from 'pino';
import type { Logger as QueryLogger } from 'typeorm';
import WebSocket from 'ws';
import { createApp, type App } from '../../src/app';
import type { Clock } from '../../src/common/clock';
import { operationLimitsFrom, type AccountLimits, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { Account } from '../../src/modules/account/account.entity';
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
  /** Runs an operation over real HTTP: a typed document (test/support/graphql/), or a query text. */
  gql<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  /** A real graphql-ws client; closed by `close()` if the test does not. */
  wsClient(connectionParams?: Record<string, unknown>): Client;
  /** Signs up a new account with a unique e-mail (or the one given), and verifies its e-mail. */
  signUp(name?: string, email?: string): Promise<Session>;
  /** Signs up without verifying the e-mail: shares addressed to it stay hidden until verifyEmail. */
  signUpUnverified(name?: string, email?: string): Promise<Session>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery';

/**
 * Every test request comes from 127.0.0.1, so the per-address budgets are out of the way;
 * test/security/login-throttle.test.ts sets low ones itself. Failed acceptShare attempts keep
 * the production budget.
 */
export const TEST_ACCOUNT_LIMITS: AccountLimits = {
  loginFailuresBeforeDelay: 1_000,
  loginFailuresPerAddress: 100_000,
  signUpsPerAddress: 100_000,
  acceptShareFailuresPerAccount: 30,
};

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
    /** False: answer as soon as the server listens, before it has caught up (it is then not ready yet). */
    waitUntilCaughtUp?: boolean;
    liveBuffer?: number;
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
    // The lowest scrypt cost: one hash per sign-up and logIn stays a millisecond or two.
    passwordHashLog2Cost: 10,
    accountLimits: TEST_ACCOUNT_LIMITS,
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
    wsKeepAliveMs: 12_000,
    wsMaxBufferedBytes: 16 * 1024 * 1024,
    // The default limits, so that every test query proves it passes them (introspection on, as outside production).
    operationLimits: operationLimitsFrom({}, 'test'),
    // Every test request comes from 127.0.0.1: test/security/request-rates.test.ts sets low rates itself.
    requestRates: { perAddressPerMinute: 10_000_000, perAccountPerMinute: 10_000_000 },
    trustProxy: false,
    ...options.config,
  };
  const app = await createApp({
    config,
    clock: options.clock,
    logger: options.logger ?? createLogger(config.logLevel, 'test'),
    queryLogger: options.queryLogger,
    loaderBatching: options.loaderBatching,
    liveBuffer: options.liveBuffer,
  });
  if (options.waitUntilCaughtUp !== false) await app.caughtUp;
  const client = graphqlClient(app.url, {
    // What the verification mail carries, computed from the account's nonce as its renderer does.
    verificationToken: async ({ id }) =>
      app.services.verifications.token(await app.db.manager.findOneByOrFail(Account, { id }))!,
  });

  return {
    app,
    url: app.url,
    gql: client.gql,
    wsClient: client.wsClient,
    signUp: client.signUp,
    signUpUnverified: client.signUpUnverified,
    async close() {
      await client.dispose();
      await app.close();
      await database.drop();
    },
  };
}

/**
 * The client side of a server at `url` (a test server, or a server process): HTTP, graphql-ws and
 * sign-up. `signUp` verifies the new account's e-mail through verifyEmail, with the token that
 * `verificationToken` finds (e.g. in the mail an SMTP server received); without it, accounts
 * stay unverified.
 */
export function graphqlClient(
  url: string,
  options: { verificationToken?: (account: Session['account']) => Promise<string> } = {},
): Pick<TestServer, 'gql' | 'wsClient' | 'signUp' | 'signUpUnverified'> & {
  /** Closes every graphql-ws client it opened. */
  dispose(): Promise<void>;
} {
  const clients: Client[] = [];

  const gql = (async (
    document: string | TypedDocumentNode,
    variables?: Record<string, unknown>,
    requestOptions: RequestOptions = {},
  ) => {
    const query = typeof document === 'string' ? document : print(document);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers };
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    if (requestOptions.enterpriseId) headers['x-enterprise-id'] = requestOptions.enterpriseId;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...body } as never;
  }) as TestServer['gql'];

  const signUpUnverified: TestServer['signUpUnverified'] = async (
    name = 'Test User',
    email = `user${++accounts}-${randomBytes(3).toString('hex')}@example.com`,
  ) => {
    const response = await gql<{ signUp: Session }>(
      `mutation ($input: SignUpInput!) { signUp(input: $input) { token account { id email name } } }`,
      { input: { email, password: TEST_PASSWORD, name } },
    );
    if (!response.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(response.errors)}`);
    return response.data.signUp;
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
    signUpUnverified,
    async signUp(name, email) {
      const session = await signUpUnverified(name, email);
      if (!options.verificationToken) return session;
      const token = await options.verificationToken(session.account);
      const verified = await gql<{ verifyEmail: { emailVerified: boolean } }>(
        `mutation ($token: String!) { verifyEmail(token: $token) { emailVerified } }`,
        { token },
        { token: session.token },
      );
      if (!verified.data?.verifyEmail.emailVerified) throw new Error(`verifyEmail failed: ${JSON.stringify(verified)}`);
      return session;
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
