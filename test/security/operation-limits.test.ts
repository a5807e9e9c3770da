import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, print, type DocumentNode } from 'graphql';
import type { Logger as QueryLogger } from 'typeorm';
import WebSocket from 'ws';
import { DASHBOARD_QUERIES } from '../../bench/parts/graph.bench';
import { operationLimitsFrom, type OperationLimits } from '../../src/config';
import { DevicePlan } from '../../src/modules/device/device-plan';
import { DataCenter } from '../../src/modules/enterprise/data-center';
import { OperationGuard } from '../../src/server/operation-limits';
import {
  errorCodes,
  startTestServer,
  TEST_PASSWORD,
  wsExecute,
  type Session,
  type TestServer,
} from '../support/test-server';

const ROOT = join(__dirname, '..', '..');
const DEFAULTS = operationLimitsFrom({}, 'production');

/** Each operation of a document on its own (with the fragments), as a client would send it. */
function operationsOf(source: string): DocumentNode[] {
  const document = parse(source);
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }));
}

describe('operation limits: the defaults let every documented dashboard query through', () => {
  const guard = new OperationGuard(buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8')), DEFAULTS);
  const readmeBlocks = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map(
    (match) => match[1],
  );
  const documented = [
    ...readmeBlocks.flatMap((block, index) =>
      operationsOf(block).map(
        (document, operation) => [`README block ${index + 1}, operation ${operation + 1}`, document] as const,
      ),
    ),
    ...DASHBOARD_QUERIES.map((query) => [`bench: ${query.name}`, parse(query.query)] as const),
  ];

  it('finds the README and bench queries', () => {
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(3);
    expect(documented.length).toBeGreaterThanOrEqual(15);
  });

  it('one document is judged again for every page size and @include its variables give', () => {
    const document = parse(
      `query ($n: Int!, $deep: Boolean!) { devices(first: $n) { edges { node { shares(first: $n) { edges { node { id devices(first: $n) @include(if: $deep) { edges { node { deviceId } } } } } } } } } }`,
    );
    const judged = (n: number, deep: boolean) => () => guard.checkCost(document, undefined, { n, deep });
    expect(judged(5, true)).not.toThrow();
    expect(judged(500, true)).toThrow(/exceeds the cost limit/);
    expect(judged(30, false)).not.toThrow();
    expect(judged(30, true)).toThrow(/exceeds the cost limit/);
    expect(judged(5, true)).not.toThrow();
  });

  it.each(documented)('%s is valid and within every limit', (_name, document) => {
    expect(guard.validate(document).map((error) => error.message)).toEqual([]);
    expect(() => guard.checkCost(document, undefined, { after: '42', id: 'x' })).not.toThrow();
    expect(print(document).length).toBeGreaterThan(0);
  });
});

/** Nests `device → shares → device …` `levels` times. */
function nested(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i++)
    selection = `shares { edges { node { devices { edges { node { device { ${selection} } } } } } } }`;
  return `query ($id: ID!) { device(id: $id) { ${selection} } }`;
}

describe('operation limits hold on HTTP and on graphql-ws alike', () => {
  let server: TestServer;
  let owner: Session;
  let deviceId: string;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await server.signUp('Owner');
    await server.gql(
      `mutation { createEnterprise(input: { name: "Limits", dataCenter: EU }) { id } }`,
      {},
      { token: owner.token },
    );
    const registered = await server.gql<{ registerDevice: { id: string } }>(
      `mutation { registerDevice(input: { serialNumber: "LIM-1", name: "Pump", model: "P", plan: STANDARD }) { id } }`,
      {},
      { token: owner.token },
    );
    deviceId = registered.data!.registerDevice.id;
  });
  afterAll(() => server.close());

  /** The same operation over HTTP and over graphql-ws: both answers' errors. */
  async function overBoth(query: string, variables: Record<string, unknown> = {}) {
    const http = await server.gql(query, variables, { token: owner.token });
    const ws = await wsExecute(server.wsClient({ authorization: `Bearer ${owner.token}` }), query, variables).catch(
      (errors: unknown) => ({ errors: errors as { message: string; extensions?: Record<string, unknown> }[] }),
    );
    return { http, ws };
  }

  const attacks: [string, () => [string, Record<string, unknown>], Partial<Record<string, unknown>>][] = [
    [
      'depth: device → shares → devices → device …, 127 levels deep',
      () => [nested(18), { id: deviceId }],
      { limit: 'depth', maximum: DEFAULTS.maxDepth },
    ],
    [
      'depth through fragments: each fragment shallow, their spreads nested 14 levels deep',
      () => [
        `query ($id: ID!) { device(id: $id) { ...F0 } }
         fragment F0 on Device { shares { edges { node { ...F1 } } } }
         fragment F1 on Share { devices { edges { node { device { ...F2 } } } } }
         fragment F2 on Device { shares { edges { node { devices { edges { node { deviceId } } } } } } }`,
        { id: deviceId },
      ],
      { limit: 'depth', maximum: DEFAULTS.maxDepth },
    ],
    [
      'aliases: 500 aliases of device(id) { shares(first: 500) { … devices(first: 500) … } }',
      () => [
        `query ($id: ID!) { ${Array.from(
          { length: 500 },
          (_, i) =>
            `a${i}: device(id: $id) { shares(first: 500) { edges { node { devices(first: 500) { edges { node { deviceId } } } } } } }`,
        ).join(' ')} }`,
        { id: deviceId },
      ],
      { limit: 'tokens' },
    ],
    [
      'aliases: 16 aliases of a cheap field',
      () => [`{ ${Array.from({ length: 16 }, (_, i) => `m${i}: me { id }`).join(' ')} }`, {}],
      { limit: 'aliases', maximum: DEFAULTS.maxAliases, measured: 16 },
    ],
    [
      'cost: devices(first: 500) { shares(first: 500) { devices(first: 500) } } in 180 bytes',
      () => [
        `{ devices(first: 500) { edges { node { shares(first: 500) { edges { node { devices(first: 500) { edges { node { deviceId } } } } } } } } } }`,
        {},
      ],
      { limit: 'cost', maximum: DEFAULTS.maxCost },
    ],
    [
      'cost: page sizes given as variables count too',
      () => [
        `query ($n: Int!) { devices(first: $n) { edges { node { shares(first: $n) { edges { node { devices(first: $n) { edges { node { deviceId } } } } } } } } } }`,
        { n: 500 },
      ],
      { limit: 'cost', maximum: DEFAULTS.maxCost },
    ],
    [
      'directives: 51 @include',
      () => [`{ me { ${'id @include(if: true) '.repeat(51)} } }`, {}],
      { limit: 'directives', maximum: DEFAULTS.maxDirectives, measured: 51 },
    ],
    [
      'tokens: a 3,000-token document',
      () => [`{ me { ${'id '.repeat(3_000)} } }`, {}],
      { limit: 'tokens', maximum: DEFAULTS.maxTokens },
    ],
  ];

  it.each(attacks)('%s → QUERY_TOO_COMPLEX naming the limit', async (_name, make, expected) => {
    const [query, variables] = make();
    const { http, ws } = await overBoth(query, variables);
    expect(http.status).toBe(400);
    expect(http.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', ...expected }) }),
    ]);
    expect(http.errors![0].message).toMatch(new RegExp(`exceeds the ${String(expected.limit)} limit`));
    expect(ws.errors?.map((error) => error.extensions)).toEqual(http.errors!.map((error) => error.extensions));
    // The server is still there, and quick.
    const started = performance.now();
    expect((await server.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('U+0000 in any string, literal or variable, is BAD_USER_INPUT on both transports (PostgreSQL cannot store it)', async () => {
    const logIn = `mutation ($email: Email!) { logIn(email: $email, password: "x") { token } }`;
    const asVariable = await overBoth(logIn, { email: 'n\u0000obody@example.com' });
    const asLiteral = await overBoth(`mutation { logIn(email: "n\\u0000obody@example.com", password: "x") { token } }`);
    const nested = await overBoth(`mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }`, {
      input: { serialNumber: 'NUL-1', name: 'Pu\u0000mp', model: 'P', plan: 'STANDARD' },
    });
    for (const { http, ws } of [asVariable, asLiteral, nested]) {
      expect(http.errors).toContainEqual(
        expect.objectContaining({
          message: expect.stringContaining('NUL character'),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      );
      expect(new Set(http.errors!.map((error) => error.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(ws.errors?.map((error) => error.extensions?.code)).toEqual(
        http.errors!.map((error) => error.extensions?.code),
      );
    }
    expect(asVariable.http.errors![0].message).toMatch(/^Variable \$email /);
    expect(nested.http.errors![0].message).toMatch(/^Variable \$input\.name /);
  });

  it('a depth within the limit still runs', async () => {
    const { http, ws } = await overBoth(nested(1), { id: deviceId });
    expect(http.errors).toBeUndefined();
    expect(ws.errors).toBeUndefined();
  });

  it('a graphql-ws message over GRAPHQL_MAX_REQUEST_BYTES closes the socket (1009), even before logging in', async () => {
    const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(1024 * 1024) } }));
    expect(await closed).toBe(1009);
    expect((await server.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('operation limits: time and answer size', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  /**
   * A server with these limits, and an owner with six devices. They are made through the
   * services, as the server's own work is (no time limit applies to it): over the API, a limit
   * of 0 ms would refuse every mutation too.
   */
  async function serverWith(limits: Partial<OperationLimits>, queryLogger?: QueryLogger) {
    const server = await startTestServer({ queryLogger, config: { operationLimits: { ...DEFAULTS, ...limits } } });
    servers.push(server);
    const { services } = server.app;
    const ctx = await services.contexts.create({ requestId: 'setup', clientAddress: 'internal' });
    const owner = await services.accounts.signUp(ctx, {
      email: `timed-${randomUUID()}@example.com`,
      name: 'Owner',
      password: TEST_PASSWORD,
    });
    await services.enterprises.create(ctx, { name: 'Timed', dataCenter: DataCenter.EU });
    for (const serial of ['T-1', 'T-2', 'T-3', 'T-4', 'T-5', 'T-6']) {
      await services.devices.register(ctx, {
        serialNumber: serial,
        name: 'Meter',
        model: 'M',
        plan: DevicePlan.STANDARD,
        isDemo: false,
      });
    }
    return { server, owner };
  }

  it('past GRAPHQL_TIMEOUT_MS no more data is loaded: the fields that needed some answer QUERY_TIMEOUT, on both transports', async () => {
    const { server, owner } = await serverWith({ timeoutMs: 0 });
    const query = `{ devices { edges { node { id enterprise { name } } } } }`;
    const http = await server.gql(query, {}, { token: owner.token });
    const ws = await wsExecute(server.wsClient({ authorization: `Bearer ${owner.token}` }), query);
    for (const result of [http, ws]) {
      expect(result.errors?.[0]).toEqual(
        expect.objectContaining({
          message: 'The operation ran longer than 0 ms and was stopped: ask for less (smaller pages, fewer fields)',
          extensions: { code: 'QUERY_TIMEOUT', timeLimitMs: 0 },
        }),
      );
      expect(new Set(errorCodes(result))).toEqual(new Set(['QUERY_TIMEOUT']));
    }
  });

  it('a root list query served by a service (devices, sharedByMe) answers QUERY_TIMEOUT past GRAPHQL_TIMEOUT_MS, on both transports', async () => {
    const { server, owner } = await serverWith({ timeoutMs: 0 });
    const client = server.wsClient({ authorization: `Bearer ${owner.token}` });
    for (const [root, query] of [
      ['devices', `{ devices { edges { node { id name } } } }`],
      ['sharedByMe', `{ sharedByMe { edges { node { id status } } } }`],
    ]) {
      const http = await server.gql(query, {}, { token: owner.token });
      const ws = await wsExecute(client, query);
      for (const result of [http, ws]) {
        expect(result.data ?? null).toBeNull();
        expect(result.errors).toEqual([
          expect.objectContaining({ path: [root], extensions: { code: 'QUERY_TIMEOUT', timeLimitMs: 0 } }),
        ]);
      }
    }
  });

  it('time spent inside a service counts: a root list whose statement runs past GRAPHQL_TIMEOUT_MS resolves none of its items, on both transports', async () => {
    // Device lists take 400 ms of CPU (a slow statement, or heavy work): the limit of 300 ms
    // passes while the service runs, after the root field started and before any item resolves.
    let slowDeviceLists = false;
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const quiet = () => {};
    const queryLogger: QueryLogger = {
      logQuery: (query) => {
        if (slowDeviceLists && /FROM "device" "device"/.test(query)) busy(400);
      },
      logQueryError: quiet,
      logQuerySlow: quiet,
      logSchemaBuild: quiet,
      logMigration: quiet,
      log: quiet,
    };
    const { server, owner } = await serverWith({ timeoutMs: 300 }, queryLogger);
    const client = server.wsClient({ authorization: `Bearer ${owner.token}` });
    const query = `{ devices { edges { node { id serialNumber } } } }`;
    expect(JSON.stringify((await server.gql(query, {}, { token: owner.token })).data)).toContain('T-1');
    slowDeviceLists = true;
    const http = await server.gql(query, {}, { token: owner.token });
    const ws = await wsExecute(client, query);
    for (const result of [http, ws]) {
      expect(JSON.stringify(result.data ?? null)).not.toContain('T-1');
      expect(result.errors).toEqual([
        expect.objectContaining({
          path: ['devices', 'edges'],
          extensions: { code: 'QUERY_TIMEOUT', timeLimitMs: 300 },
        }),
      ]);
    }
  });

  it('an answer over GRAPHQL_MAX_RESPONSE_BYTES is replaced by RESPONSE_TOO_LARGE, on both transports', async () => {
    const { server, owner } = await serverWith({ maxResponseBytes: 1024 });
    const query = `{ devices { edges { node { id name serialNumber model plan configuration telemetry firmwareVersion createdAt } } } }`;
    const http = await server.gql(query, {}, { token: owner.token });
    const ws = await wsExecute(server.wsClient({ authorization: `Bearer ${owner.token}` }), query);
    for (const result of [http, ws]) {
      expect(result.data).toBeUndefined();
      expect(result.errors).toEqual([
        {
          message: expect.stringMatching(/^The answer would be \d+ bytes, more than the 1024 allowed/),
          extensions: { code: 'RESPONSE_TOO_LARGE', maximum: 1024, measured: expect.any(Number) },
        },
      ]);
    }
  });
});

describe('in production, the schema is not described to anyone, on either transport', () => {
  let production: TestServer;
  let development: TestServer;
  let session: Session;
  beforeAll(async () => {
    production = await startTestServer({ config: { operationLimits: DEFAULTS } });
    development = await startTestServer({ config: { operationLimits: operationLimitsFrom({}, 'development') } });
    session = await production.signUp();
  });
  afterAll(() => Promise.all([production.close(), development.close()]));

  const INTROSPECTION = `{ __schema { queryType { name } } }`;
  const TYPO = `{ mee { id } }`;

  it('introspection is refused over HTTP and graphql-ws', async () => {
    const http = await production.gql(INTROSPECTION, {}, { token: session.token });
    expect(new Set(errorCodes(http))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(http.errors?.[0].message).toMatch(/introspection has been disabled/);
    const ws = await wsExecute(production.wsClient({ authorization: `Bearer ${session.token}` }), INTROSPECTION).catch(
      (errors: { message: string }[]) => ({ errors }),
    );
    expect(ws.errors?.map((error) => error.message)).toEqual(http.errors?.map((error) => error.message));
  });

  it('field suggestions ("Did you mean …") are dropped over HTTP and graphql-ws', async () => {
    const http = await production.gql(TYPO, {}, { token: session.token });
    const ws = await wsExecute(production.wsClient({ authorization: `Bearer ${session.token}` }), TYPO).catch(
      (errors: { message: string }[]) => ({ errors }),
    );
    expect(http.errors?.[0].message).toBe('Cannot query field "mee" on type "Query".');
    expect(ws.errors?.[0].message).toBe('Cannot query field "mee" on type "Query".');
  });

  it('outside production both stay on for developers', async () => {
    expect((await development.gql(INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await development.gql(TYPO)).errors?.[0].message).toMatch(/Did you mean "me"\?/);
  });
});
