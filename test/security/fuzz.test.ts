import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { xoroshiro128plus, unsafeUniformIntDistribution, type RandomGenerator } from 'pure-rand';
import type { Client } from 'graphql-ws';
import { addMember } from '../support/members';
import {
  startTestServer,
  wsExecute,
  type GraphQLResponse,
  type Session,
  type TestServer,
} from '../support/test-server';

/**
 * A schema-aware fuzz test: thousands of generated operations, well-formed and broken, sent as a
 * stranger, a VIEWER of the owning enterprise, the recipient of a share (each over HTTP and, a
 * third of the time, over its graphql-ws socket) and an anonymous HTTP caller. Whatever they
 * send, the server never answers 500 or INTERNAL_SERVER_ERROR, never drops a socket, never shows
 * a persona a value the permission matrix (SPEC §4) keeps from it, and keeps answering
 * `{ __typename }` quickly.
 */
const OPERATIONS = 10_000;
const IN_FLIGHT = 4;
const PROBE_EVERY = 100;
const PROBE_LIMIT_MS = 100;
/** Every third operation of a logged-in persona goes over its graphql-ws socket. */
const OVER_WEBSOCKET_EVERY = 3;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

class Random {
  private generator: RandomGenerator;
  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.generator);
  }
  chance(probability: number): boolean {
    return this.int(0, 9_999) < probability * 10_000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

/** Values the generator draws arguments from: the world's real ids and e-mails, and junk. */
interface Pools {
  ids: string[];
  emails: string[];
  strings: string[];
}

function literal(type: GraphQLInputType, random: Random, pools: Pools, depth = 0): string {
  if (isNonNullType(type)) return literal(type.ofType, random, pools, depth);
  if (isListType(type)) {
    const length = random.int(0, 3);
    return `[${Array.from({ length }, () => literal(type.ofType, random, pools, depth + 1)).join(', ')}]`;
  }
  if (isEnumType(type)) return random.pick(type.getValues()).name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter(
      (field) => isNonNullType(field.type) || (depth < 3 && random.chance(0.4)),
    );
    return `{ ${fields.map((field) => `${field.name}: ${literal(field.type, random, pools, depth + 1)}`).join(', ')} }`;
  }
  switch (type.name) {
    case 'ID':
      return JSON.stringify(random.pick(pools.ids));
    case 'Int':
      return String(random.pick([0, 1, 2, 7, 50, 500, 501, -1, 2 ** 31 - 1]));
    case 'Float':
      return String(random.pick([0, 1.5, -3, 1e9]));
    case 'Boolean':
      return random.pick(['true', 'false']);
    case 'Email':
      return JSON.stringify(random.pick(pools.emails));
    case 'DateTimeISO':
      return JSON.stringify(random.pick(['2030-01-01T00:00:00Z', '2000-01-01T00:00:00Z', 'yesterday']));
    case 'JSONObject':
      return random.pick(['{}', '{ a: 1 }', '{ nested: { deep: [1, 2, 3] } }']);
    default:
      return JSON.stringify(random.pick(pools.strings));
  }
}

function argumentsOf(args: readonly GraphQLArgument[], random: Random, pools: Pools): string {
  const chosen = args.filter(
    (arg) => (isNonNullType(arg.type) && arg.defaultValue === undefined) || random.chance(0.3),
  );
  if (!chosen.length) return '';
  return `(${chosen.map((arg) => `${arg.name}: ${literal(arg.type, random, pools)}`).join(', ')})`;
}

function selection(type: GraphQLObjectType, random: Random, pools: Pools, depth: number): string {
  const fields = Object.values(type.getFields()) as GraphQLField<unknown, unknown>[];
  // One root field at a time: a refused non-null root field would null its neighbours' answers too.
  const count = depth === 0 ? 1 : random.int(1, Math.min(4, fields.length));
  const chosen = new Set<GraphQLField<unknown, unknown>>();
  for (let i = 0; i < count; i++) chosen.add(random.pick(fields));
  const parts: string[] = [];
  for (const field of chosen) {
    const named = getNamedType(field.type);
    const args = argumentsOf(field.args, random, pools);
    if (isLeafType(named)) parts.push(`${field.name}${args}`);
    else if (isObjectType(named) && depth < 7)
      parts.push(`${field.name}${args} { ${selection(named, random, pools, depth + 1)} }`);
    else parts.push('__typename');
  }
  return parts.join(' ');
}

/** A well-formed operation on Query (mostly) or Mutation. */
function operation(random: Random, pools: Pools): string {
  const root = random.chance(0.25) ? schema.getMutationType()! : schema.getQueryType()!;
  const keyword = root === schema.getQueryType() ? 'query' : 'mutation';
  return `${keyword} { ${selection(root, random, pools, 0)} }`;
}

/** A broken variant: cut, spliced, stuffed with junk, or sent with variables of the wrong types. */
function broken(source: string, random: Random): { query: unknown; variables?: unknown } {
  const at = random.int(0, source.length);
  switch (random.int(0, 6)) {
    case 0:
      return { query: source.slice(0, at) };
    case 1:
      return {
        query:
          source.slice(0, at) +
          random.pick(['{', '}', '(', ')', '$', '@', '...', '"', '#', '\\u0000']) +
          source.slice(at),
      };
    case 2:
      return { query: `${source} ${source}` };
    case 3:
      return { query: random.pick([null, 42, ['a'], { query: source }, '', ' ']) };
    case 4:
      return {
        query: `query ($x: ID!) { device(id: $x) { id } }`,
        variables: { x: random.pick([null, 1, [], {}, 'x'.repeat(500)]) },
      };
    case 5:
      return { query: source, variables: random.pick([[], 'junk', 7, { first: 'many' }]) };
    default:
      return { query: source.replace(/[a-z]/, randomBytes(1).toString('hex')) };
  }
}

interface Persona {
  name: string;
  /** Null for the anonymous caller, who has no socket either (graphql-ws needs a login). */
  session: Session | null;
  enterpriseId: string | null;
  socket: Client | null;
  /** Values the permission matrix keeps from this persona. */
  forbidden: string[];
}

/** What graphql-ws carries as a `subscribe` payload (its client refuses to send anything else); other bodies go over HTTP. */
const sendableOverWebSocket = (body: {
  query: unknown;
  variables?: unknown;
}): body is { query: string; variables?: Record<string, unknown> } =>
  typeof body.query === 'string' &&
  (body.variables === undefined ||
    (typeof body.variables === 'object' && body.variables !== null && !Array.isArray(body.variables)));

describe('fuzzing the API as a stranger, a VIEWER, a recipient and an anonymous caller, over HTTP and graphql-ws', () => {
  let server: TestServer;
  const personas: Persona[] = [];
  const pools: Pools = { ids: [], emails: [], strings: [] };

  beforeAll(async () => {
    server = await startTestServer();
    const tag = randomBytes(4).toString('hex');
    const enterprise = async (session: Session, name: string) =>
      (
        await server.gql<{ createEnterprise: { id: string } }>(
          `mutation ($name: String!) { createEnterprise(input: { name: $name, dataCenter: EU }) { id } }`,
          { name },
          { token: session.token },
        )
      ).data!.createEnterprise.id;
    const owner = await server.signUp('Owner', `fzowner${tag}@example.com`);
    const viewer = await server.signUp('Viewer');
    const recipient = await server.signUp('Recipient', `fzrecipient${tag}@example.com`);
    const stranger = await server.signUp('Stranger');
    const ownerEnterprise = await enterprise(owner, 'Owner Co');
    await addMember(server, owner, ownerEnterprise, viewer, 'VIEWER');
    const device = async (serial: string) =>
      (
        await server.gql<{ registerDevice: { id: string } }>(
          `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "Pump", model: "P", plan: STANDARD }) { id } }`,
          { serial },
          { token: owner.token, enterpriseId: ownerEnterprise },
        )
      ).data!.registerDevice.id;
    const shared = await device(`FZSHARED${tag}`);
    const unshared = await device(`FZUNSHARED${tag}`);
    const configured = await server.gql(
      `mutation ($id: ID!, $configuration: JSONObject!) { updateDeviceConfiguration(deviceId: $id, configuration: $configuration) { id } }`,
      { id: shared, configuration: { setting: `FZCONFIG${tag}` } },
      { token: owner.token, enterpriseId: ownerEnterprise },
    );
    expect(configured.errors).toBeUndefined();
    const invitation = await server.gql<{ shareDevices: { share: { id: string }; confirmationCode: string } }>(
      `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { confirmationCode share { id } } }`,
      {
        input: {
          deviceIds: [shared],
          recipientEmail: recipient.account.email,
          permissions: ['MONITOR', 'CONTROL'],
          description: `FZDESC${tag}`,
        },
      },
      { token: owner.token, enterpriseId: ownerEnterprise },
    );
    const shareId = invitation.data!.shareDevices.share.id;
    const accepted = await server.gql(
      `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { id } }`,
      {
        input: { shareId, code: invitation.data!.shareDevices.confirmationCode, newEnterprise: { name: 'Service Co' } },
      },
      { token: recipient.token },
    );
    expect(accepted.errors).toBeUndefined();
    const receiving = (
      await server.gql<{ share: { receivingEnterprise: { id: string } } }>(
        `query ($id: ID!) { share(id: $id) { receivingEnterprise { id } } }`,
        { id: shareId },
        { token: recipient.token },
      )
    ).data!.share.receivingEnterprise.id;
    const strangerEnterprise = await enterprise(stranger, 'Stranger Co');

    const config = `FZCONFIG${tag}`;
    const description = `FZDESC${tag}`;
    const socket = (session: Session, enterpriseId: string) =>
      server.wsClient({ authorization: `Bearer ${session.token}`, 'x-enterprise-id': enterpriseId });
    const keptFromStrangers = [
      `FZSHARED${tag}`,
      `FZUNSHARED${tag}`,
      config,
      description,
      owner.account.email,
      recipient.account.email,
    ];
    personas.push(
      {
        name: 'stranger',
        session: stranger,
        enterpriseId: strangerEnterprise,
        socket: socket(stranger, strangerEnterprise),
        forbidden: keptFromStrangers,
      },
      {
        name: 'VIEWER',
        session: viewer,
        enterpriseId: ownerEnterprise,
        socket: socket(viewer, ownerEnterprise),
        forbidden: [config, description, recipient.account.email],
      },
      {
        name: 'recipient',
        session: recipient,
        enterpriseId: receiving,
        socket: socket(recipient, receiving),
        forbidden: [`FZUNSHARED${tag}`, config],
      },
      { name: 'anonymous', session: null, enterpriseId: null, socket: null, forbidden: keptFromStrangers },
    );
    pools.ids = [
      shared,
      unshared,
      shareId,
      ownerEnterprise,
      receiving,
      strangerEnterprise,
      owner.account.id,
      viewer.account.id,
      recipient.account.id,
      '00000000-0000-0000-0000-000000000000',
      'not-an-id',
      '',
      "' OR 1=1 --",
    ];
    // Not the owner's nor the recipient's e-mail: a persona that typed one would see it echoed
    // back in its own audit log, which proves nothing.
    pools.emails = [viewer.account.email, stranger.account.email, 'nobody@example.com', 'not-an-email', ''];
    pools.strings = [
      '',
      'x',
      'A name',
      '💥'.repeat(50),
      'x'.repeat(300),
      '1',
      `${shareId}.forged`,
      "'; DROP TABLE share; --",
      '<script>',
    ];
  }, 60_000);
  afterAll(() => server.close());

  it(`${OPERATIONS} generated operations: never a 500 or a dropped socket, never a forbidden value, { __typename } always answered within ${PROBE_LIMIT_MS} ms`, async () => {
    const random = new Random(SEED);
    const failures: string[] = [];
    const slowProbes: number[] = [];
    const stats = { sent: 0, overWebSocket: 0, malformed: 0, anonymous: 0, answered: 0, refused: 0 };
    let finished = false;
    for (const persona of personas) {
      persona.socket?.on('closed', (event) => {
        if (!finished) failures.push(`${persona.name}'s socket closed (${(event as { code?: number }).code})`);
      });
    }

    async function send(persona: Persona, body: { query: unknown; variables?: unknown }) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (persona.session) headers.authorization = `Bearer ${persona.session.token}`;
      if (persona.enterpriseId) headers['x-enterprise-id'] = persona.enterpriseId;
      const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      const where = `${persona.name} (seed ${SEED}) sent ${JSON.stringify(body).slice(0, 400)}`;
      if (response.status >= 500) failures.push(`HTTP ${response.status} for ${where}: ${text.slice(0, 300)}`);
      let parsed: GraphQLResponse | undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        failures.push(`not JSON for ${where}: ${text.slice(0, 300)}`);
      }
      judge(persona, where, text, parsed);
    }

    /** The same operation as one graphql-ws `subscribe`: its one result, or the errors that end it. */
    async function sendOverWebSocket(
      persona: Persona,
      socket: Client,
      body: { query: string; variables?: Record<string, unknown> },
    ) {
      const where = `${persona.name} (seed ${SEED}) sent over graphql-ws ${JSON.stringify(body).slice(0, 400)}`;
      let result: Omit<GraphQLResponse, 'status' | 'headers'>;
      try {
        result = (await wsExecute(socket, body.query, body.variables)) as typeof result;
      } catch (ended) {
        if (!Array.isArray(ended)) {
          failures.push(`graphql-ws failed for ${where}: code ${(ended as { code?: number }).code} ${String(ended)}`);
          return;
        }
        result = { errors: ended };
      }
      judge(persona, where, JSON.stringify(result), result);
    }

    /** The checks every answer passes, whichever way it came. */
    function judge(
      persona: Persona,
      where: string,
      text: string,
      parsed: Omit<GraphQLResponse, 'status' | 'headers'> | undefined,
    ) {
      if (parsed?.errors?.some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
        failures.push(`INTERNAL_SERVER_ERROR for ${where}: ${text.slice(0, 300)}`);
      }
      for (const value of persona.forbidden) {
        if (text.toLowerCase().includes(value.toLowerCase()))
          failures.push(`${persona.name} saw "${value}" for ${where}`);
      }
      if (!persona.session) stats.anonymous++;
      else if (parsed?.data && Object.values(parsed.data).some((value) => value !== null)) stats.answered++;
      else stats.refused++;
    }

    async function timedProbe(): Promise<number> {
      const started = performance.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const answer = (await response.json()) as GraphQLResponse;
      if (answer.data?.__typename !== 'Query') failures.push('the probe got no answer');
      return performance.now() - started;
    }

    /**
     * The server answers quickly throughout: a slow probe is tried again at once, and only two
     * slow answers in a row count (one can be the machine's other test worker taking the core).
     */
    async function probe() {
      const first = await timedProbe();
      if (first <= PROBE_LIMIT_MS) return;
      const second = await timedProbe();
      if (second > PROBE_LIMIT_MS) slowProbes.push(Math.round(first), Math.round(second));
    }

    let next = 0;
    async function worker() {
      while (next < OPERATIONS) {
        const index = next++;
        if (index % PROBE_EVERY === 0) await probe();
        const persona = personas[index % personas.length];
        const source = operation(random, pools);
        const malformed = random.chance(0.3);
        if (malformed) stats.malformed++;
        stats.sent++;
        const body = malformed ? broken(source, random) : { query: source };
        if (persona.socket && index % OVER_WEBSOCKET_EVERY === 0 && sendableOverWebSocket(body)) {
          stats.overWebSocket++;
          await sendOverWebSocket(persona, persona.socket, body);
        } else {
          await send(persona, body);
        }
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await probe();
    finished = true;

    expect(stats.sent).toBe(OPERATIONS);
    // About a quarter: a third of the three logged-in personas' operations, less those graphql-ws cannot carry.
    expect(stats.overWebSocket).toBeGreaterThan(OPERATIONS / 5);
    // Enough of the logged-in personas' operations got data to mean something, and enough were
    // refused to have tried the edges (the anonymous caller's are nearly all refused).
    const loggedIn = OPERATIONS - stats.anonymous;
    expect(stats.answered).toBeGreaterThan(loggedIn / 5);
    expect(stats.refused).toBeGreaterThan(loggedIn / 10);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(slowProbes).toEqual([]);
  }, 600_000);
});
