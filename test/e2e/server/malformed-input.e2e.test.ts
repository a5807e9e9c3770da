import {
  errorCodes,
  startTestServer,
  wsExecute,
  type GraphQLResponse,
  type TestServer,
} from '../../support/test-server';
import { World } from '../../support/world';

const REGISTER = `mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }`;
const CREATE = `mutation ($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id } }`;
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`;

/** A refused request: a client error code, never a 5xx, never a stack trace. */
function expectClientError(response: GraphQLResponse, code: string | string[]) {
  expect(response.status).toBeLessThan(500);
  const codes = errorCodes(response);
  expect(codes.length).toBeGreaterThan(0);
  for (const actual of codes) expect(Array.isArray(code) ? code : [code]).toContain(actual);
  for (const error of response.errors ?? []) {
    expect(error.extensions).not.toHaveProperty('stacktrace');
    expect(error.message).not.toMatch(/\n\s+at /);
  }
}

describe('malformed input gets a clear client error, never a 500', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ token } = await new World(server).person('Acme'));
  });
  afterAll(() => server.close());

  const device = (overrides: Record<string, unknown> = {}) => ({
    serialNumber: 'SN-1',
    name: 'UPS',
    model: 'Smart-UPS',
    plan: 'STANDARD',
    ...overrides,
  });

  it('a variable of the wrong type answers BAD_USER_INPUT', async () => {
    expectClientError(await server.gql(REGISTER, { input: device({ name: 42 }) }, { token }), 'BAD_USER_INPUT');
    expectClientError(await server.gql(REGISTER, { input: device({ isDemo: 'yes' }) }, { token }), 'BAD_USER_INPUT');
    expectClientError(
      await server.gql(
        `query ($first: Int) { devices(first: $first) { edges { cursor } } }`,
        { first: 'ten' },
        { token },
      ),
      'BAD_USER_INPUT',
    );
  });

  it('an unknown enum value answers BAD_USER_INPUT (variables) or GRAPHQL_VALIDATION_FAILED (literals)', async () => {
    expectClientError(await server.gql(REGISTER, { input: device({ plan: 'PLATINUM' }) }, { token }), 'BAD_USER_INPUT');
    expectClientError(
      await server.gql(CREATE, { input: { name: 'X', dataCenter: 'MARS' } }, { token }),
      'BAD_USER_INPUT',
    );
    expectClientError(
      await server.gql(
        `mutation { addMember(input: { enterpriseId: "01a20b5c-cc47-77c4-a243-d8d3d48a68ad", email: "a@b.co", role: OWNER }) { role } }`,
        {},
        { token },
      ),
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('a huge string answers BAD_USER_INPUT naming the field', async () => {
    const huge = 'x'.repeat(10_000);
    const response = await server.gql(REGISTER, { input: device({ name: huge }) }, { token });
    expectClientError(response, 'BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/name has at most 100 characters/);
    const enterprise = await server.gql(CREATE, { input: { name: huge, dataCenter: 'EU' } }, { token });
    expectClientError(enterprise, 'BAD_USER_INPUT');
    expect(enterprise.errors![0].message).toMatch(/name/);
    const serial = await server.gql(REGISTER, { input: device({ serialNumber: huge }) }, { token });
    expectClientError(serial, 'BAD_USER_INPUT');
    expect(serial.errors![0].message).toMatch(/serialNumber/);
  });

  it('an empty or blank e-mail answers BAD_USER_INPUT saying it is empty', async () => {
    for (const email of ['', '   ']) {
      const response = await server.gql(SIGN_UP, { input: { email, password: 'long enough', name: 'N' } });
      expectClientError(response, 'BAD_USER_INPUT');
      expect(response.errors![0].message).toMatch(/e-mail address is empty/);
    }
  });

  it('a malformed ID answers BAD_USER_INPUT naming the argument, also inside an input object', async () => {
    const direct = await server.gql(`{ device(id: "nope") { id } }`, {}, { token });
    expectClientError(direct, 'BAD_USER_INPUT');
    expect(direct.errors![0].message).toBe('id is not a valid ID');
    const nested = await server.gql(REGISTER, { input: device({ groupId: "1' OR '1'='1" }) }, { token });
    expectClientError(nested, 'BAD_USER_INPUT');
    expect(nested.errors![0].message).toBe('input.groupId is not a valid ID');
  });

  it('a malformed ID in the arguments of a subscription answers BAD_USER_INPUT over graphql-ws, before it starts', async () => {
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    try {
      const result = await wsExecute(client, `subscription { shareStatusChanged(shareId: "nope") { type } }`);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toBe('shareId is not a valid ID');
    } finally {
      await client.dispose();
    }
  });

  it('a garbage cursor and a page size out of range answer BAD_USER_INPUT', async () => {
    for (const args of ['after: "%%%"', 'first: 501', 'first: -1']) {
      expectClientError(await server.gql(`{ devices(${args}) { edges { cursor } } }`, {}, { token }), 'BAD_USER_INPUT');
    }
  });

  it('a syntax error answers GRAPHQL_PARSE_FAILED and an unknown field GRAPHQL_VALIDATION_FAILED', async () => {
    expectClientError(await server.gql(`{ me { id `, {}, { token }), 'GRAPHQL_PARSE_FAILED');
    expectClientError(await server.gql(`{ me { password } }`, {}, { token }), 'GRAPHQL_VALIDATION_FAILED');
    expectClientError(await server.gql(`{ me { passwordHash } }`, {}, { token }), 'GRAPHQL_VALIDATION_FAILED');
  });

  it('a body that is not JSON answers 400 with a JSON error', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ me { id } }"',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('a body over GRAPHQL_MAX_REQUEST_BYTES (64 KiB) answers 413 with a JSON error', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }', variables: { padding: 'x'.repeat(70_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'The request body is larger than 65536 bytes (GRAPHQL_MAX_REQUEST_BYTES)',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });
});
