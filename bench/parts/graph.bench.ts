import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildSchema, execute, parse, type DocumentNode } from 'graphql';
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import type { Logger as QueryLogger } from 'typeorm';
import { newId } from '../../src/common/ids';
import { Role } from '../../src/common/roles';
import { Account } from '../../src/modules/account/account.entity';
import { Device } from '../../src/modules/device/device.entity';
import { DevicePlan } from '../../src/modules/device/device-plan';
import { DataCenter } from '../../src/modules/enterprise/data-center';
import { DEFAULT_ENTERPRISE_SETTINGS, Enterprise } from '../../src/modules/enterprise/enterprise.entity';
import { Membership } from '../../src/modules/enterprise/membership.entity';
import { SharedDeviceStatus, ShareStatus } from '../../src/modules/share/share-lifecycle';
import { Permission } from '../../src/modules/device/device-permissions';
import { Share, SharedDevice } from '../../src/modules/share/share.entity';
import { startTestServer, type Session, type TestServer } from '../../test/support/test-server';
import { quantile, round, type Part, type Row, type Size } from '../bench-kit';

const SCALE: Record<Size, { devices: number; recipients: number; sharedDevices: number; seconds: number }> = {
  tiny: { devices: 50, recipients: 10, sharedDevices: 200, seconds: 1 },
  default: { devices: 5_000, recipients: 1_000, sharedDevices: 20_000, seconds: 5 },
  large: { devices: 20_000, recipients: 5_000, sharedDevices: 100_000, seconds: 10 },
};
const DEVICES_PER_SHARE = 4;
const CONNECTIONS = 8;
const SEED = 20261124;
const INSERT_CHUNK = 400;

/** Share statuses in the proportions a live deployment shows: most active, some pending, a tail ended. */
const STATUS_MIX: [ShareStatus, number][] = [
  [ShareStatus.ACTIVE, 55],
  [ShareStatus.PENDING, 20],
  [ShareStatus.CANCELLED, 15],
  [ShareStatus.EXPIRED, 10],
];

export interface DashboardQuery {
  name: string;
  query: string;
  variables: (deviceId: string) => Record<string, unknown>;
  /** The statements that return the same rows, as one would write them by hand (SQLite). */
  sql: { text: string; params: (ids: { sharerId: string; enterpriseId: string; deviceId: string }) => unknown[] }[];
}

export const DASHBOARD_QUERIES: DashboardQuery[] = [
  {
    name: 'sharedByMe first 50, with devices',
    query: `query { sharedByMe(first: 50) { edges { cursor node { id recipientEmail status permissions expiresAt degraded
      recipient { name } devices(first: 10) { edges { node { deviceId status effectivePermissions
      device { name serialNumber online telemetry } } } } } } pageInfo { hasNextPage endCursor } } }`,
    variables: () => ({}),
    sql: [
      {
        text: `WITH page AS (SELECT * FROM share WHERE "sharerId" = ? ORDER BY id DESC LIMIT 51)
          SELECT p.id, p."recipientEmail", p.status, p.permissions, p."expiresAt", a.name AS "recipientName",
            sd."deviceId", sd.status AS "deviceStatus", d.name, d."serialNumber", d.online, d.telemetry, d.plan
          FROM page p LEFT JOIN account a ON a.id = p."recipientId"
          LEFT JOIN shared_device sd ON sd."shareId" = p.id LEFT JOIN device d ON d.id = sd."deviceId"
          ORDER BY p.id DESC, sd.id`,
        params: ({ sharerId }) => [sharerId],
      },
    ],
  },
  {
    name: 'shareGraph first 500',
    query: `query { shareGraph(first: 500) { edges { node { deviceId status share { id recipientEmail status } } }
      pageInfo { hasNextPage endCursor } } }`,
    variables: () => ({}),
    sql: [
      {
        text: `SELECT sd.id, sd."deviceId", sd.status, s.id AS "shareId", s."recipientEmail", s.status AS "shareStatus"
          FROM shared_device sd JOIN share s ON s.id = sd."shareId"
          WHERE sd."enterpriseId" = ? ORDER BY sd.id DESC LIMIT 501`,
        params: ({ enterpriseId }) => [enterpriseId],
      },
    ],
  },
  {
    name: 'device page with its shares',
    query: `query ($id: ID!) { device(id: $id) { id name serialNumber plan online telemetry
      shares(first: 20) { edges { node { id recipientEmail status expiresAt permissions } } } } }`,
    variables: (deviceId) => ({ id: deviceId }),
    sql: [
      {
        text: `SELECT id, name, "serialNumber", plan, online, telemetry FROM device WHERE id = ?`,
        params: ({ deviceId }) => [deviceId],
      },
      {
        text: `SELECT s.id, s."recipientEmail", s.status, s."expiresAt", s.permissions FROM share s
          WHERE s.id IN (SELECT "shareId" FROM shared_device WHERE "deviceId" = ?) ORDER BY s.id LIMIT 21`,
        params: ({ deviceId }) => [deviceId],
      },
    ],
  },
];

/** Counts the SQL statements the app sends while `counting` is on. */
class StatementCounter implements QueryLogger {
  counting = false;
  statements = 0;
  logQuery() {
    if (this.counting) this.statements++;
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

const pick = (rng: RandomGenerator, below: number) => unsafeUniformIntDistribution(0, below - 1, rng);

/**
 * The data set, written straight into the database (the API would take many minutes), with a
 * seeded generator so that every run measures the same rows: one enterprise with `devices`
 * devices, `recipients` recipients each with an enterprise of their own, and shares of
 * DEVICES_PER_SHARE devices adding up to `sharedDevices` rows, in STATUS_MIX.
 */
async function seed(server: TestServer, scale: (typeof SCALE)[Size]) {
  const rng = xoroshiro128plus(SEED);
  const sharer = await server.signUp('Sharer');
  const created = await server.gql<{ createEnterprise: { id: string } }>(
    `mutation { createEnterprise(input: { name: "Graph", dataCenter: EU }) { id } }`,
    {},
    { token: sharer.token },
  );
  const enterpriseId = created.data!.createEnterprise.id;
  const manager = server.app.db.dataSource.manager; // seeding writes straight through the writing connection
  const { passwordHash } = await manager.findOneByOrFail(Account, { id: sharer.account.id });
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
  const insert = async <T extends object>(entity: new () => T, rows: T[]) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await manager.insert(entity, rows.slice(i, i + INSERT_CHUNK));
  };

  const recipients = Array.from({ length: scale.recipients }, (_, i) => ({
    account: Object.assign(new Account(), {
      id: newId(),
      email: `recipient${i}@graph.example`,
      name: `Recipient ${i}`,
      passwordHash,
      createdAt: at(100_000),
    }),
    enterprise: Object.assign(new Enterprise(), {
      id: newId(),
      name: `Home ${i}`,
      dataCenter: DataCenter.EU,
      settings: DEFAULT_ENTERPRISE_SETTINGS,
      createdAt: at(100_000),
    }),
  }));
  await insert(
    Account,
    recipients.map((recipient) => recipient.account),
  );
  await insert(
    Enterprise,
    recipients.map((recipient) => recipient.enterprise),
  );
  await insert(
    Membership,
    recipients.map(({ account, enterprise }) =>
      Object.assign(new Membership(), {
        id: newId(),
        enterpriseId: enterprise.id,
        accountId: account.id,
        role: Role.ADMIN,
        createdAt: at(100_000),
      }),
    ),
  );

  const plans = [DevicePlan.STANDARD, DevicePlan.STANDARD, DevicePlan.ADVANCED, DevicePlan.BASIC];
  const devices = Array.from({ length: scale.devices }, (_, i) =>
    Object.assign(new Device(), {
      id: newId(),
      enterpriseId,
      groupId: null,
      serialNumber: `GRAPH-${String(i).padStart(6, '0')}`,
      name: `UPS ${i}`,
      model: 'Smart-UPS 1500',
      plan: plans[pick(rng, plans.length)],
      isDemo: false,
      registeredById: sharer.account.id,
      firmwareVersion: '2.4.1',
      online: pick(rng, 10) > 0,
      lastSeenAt: at(pick(rng, 60)),
      status: 'OK',
      telemetry: { loadPercent: pick(rng, 100), batteryPercent: 50 + pick(rng, 51) },
      configuration: { alarmThreshold: 80 },
      createdAt: at(90_000 - i),
      updatedAt: at(1),
    }),
  );
  await insert(Device, devices);

  const shareCount = Math.ceil(scale.sharedDevices / DEVICES_PER_SHARE);
  const mixTotal = STATUS_MIX.reduce((sum, [, weight]) => sum + weight, 0);
  const shares: Share[] = [];
  const sharedDevices: SharedDevice[] = [];
  for (let i = 0; i < shareCount; i++) {
    let roll = pick(rng, mixTotal);
    const status = STATUS_MIX.find(([, weight]) => (roll -= weight) < 0)![0];
    const recipient = recipients[pick(rng, recipients.length)];
    const accepted = status !== ShareStatus.PENDING;
    const createdAt = at(shareCount - i + 10);
    const share = Object.assign(new Share(), {
      id: newId(),
      enterpriseId,
      sharerId: sharer.account.id,
      recipientEmail: recipient.account.email,
      recipientId: accepted ? recipient.account.id : null,
      receivingEnterpriseId: accepted ? recipient.enterprise.id : null,
      permissions: pick(rng, 2) ? [Permission.MONITOR] : [Permission.MONITOR, Permission.CONFIGURE],
      expiresAt: pick(rng, 3) ? null : new Date(now + (1 + pick(rng, 90)) * 86_400_000),
      invitationExpiresAt: new Date(createdAt.getTime() + 7 * 86_400_000),
      description: null,
      status,
      linkNonce: `nonce-${i}`,
      codeNonce: `code-${i}`,
      codeFailures: 0,
      createdAt,
      updatedAt: createdAt,
      acceptedAt: accepted ? createdAt : null,
      expiryWarnedAt: null,
      endedAt: status === ShareStatus.CANCELLED || status === ShareStatus.EXPIRED ? createdAt : null,
    });
    shares.push(share);
    const chosen = new Set<number>();
    while (chosen.size < DEVICES_PER_SHARE) chosen.add(pick(rng, devices.length));
    for (const index of chosen) {
      sharedDevices.push(
        Object.assign(new SharedDevice(), {
          id: newId(),
          shareId: share.id,
          enterpriseId: share.enterpriseId,
          deviceId: devices[index].id,
          status: status as string as SharedDeviceStatus,
          addedAt: createdAt,
          endedAt: share.endedAt,
        }),
      );
    }
  }
  await insert(Share, shares);
  await insert(SharedDevice, sharedDevices);
  // The device with the most shares: the device page's worst case.
  const perDevice = new Map<string, number>();
  for (const row of sharedDevices) perDevice.set(row.deviceId, (perDevice.get(row.deviceId) ?? 0) + 1);
  const busiest = [...perDevice].sort((a, b) => b[1] - a[1])[0][0];
  return { sharer, enterpriseId, deviceId: busiest, shares: shares.length, rows: sharedDevices.length };
}

/**
 * Load from a worker thread, so that the server keeps the main thread to itself: for `seconds`,
 * or, when not one request finished in that time (a tiny run on a busy machine), until every
 * connection has had two answers. The rate is what finished over the time it took.
 */
async function load(server: TestServer, sharer: Session, body: string, seconds: number) {
  const run = (until: { duration: number } | { amount: number }) =>
    autocannon({
      url: server.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sharer.token}` },
      body,
      connections: CONNECTIONS,
      workers: 1,
      ...until,
    });
  const measure = async () => {
    const result = await run({ duration: seconds });
    return result.requests.total === 0 ? run({ amount: CONNECTIONS * 2 }) : result;
  };
  const failure = (result: autocannon.Result) =>
    result.non2xx || result.errors
      ? `${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors (${result.timeouts} timeouts)`
      : null;
  let result = await measure();
  // A socket error on a busy machine (seen once in CI: 1 error in 15 answers, no timeout) spoils
  // the figures, not the server: measure again once; the same failure twice fails the run.
  const first = failure(result);
  if (first) {
    console.error(`  · load of ${server.url}: ${first}; measuring again`);
    result = await measure();
  }
  const again = failure(result);
  if (again) throw new Error(`load failed: ${again}`);
  return { perSecond: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Runs `work` back to back for `seconds`; answers its rate and latency. */
async function loop(seconds: number, work: () => unknown) {
  const durations: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  const total = durations.reduce((sum, ms) => sum + ms, 0) / 1000;
  return { perSecond: durations.length / total, p50: quantile(durations, 0.5), p99: quantile(durations, 0.99) };
}

async function statementsPerRequest(server: TestServer, counter: StatementCounter, send: () => Promise<unknown>) {
  await send(); // warm the caches a first request fills (e.g. the schema's)
  counter.statements = 0;
  counter.counting = true;
  await send();
  counter.counting = false;
  return counter.statements;
}

/**
 * Dashboard queries through the real HTTP server under autocannon, against graphql-js `execute`
 * over the same answer in memory (the ceiling), the hand-written SQL for the same rows (the floor)
 * and the same server with DataLoader batching off.
 */
export const graphPart: Part = {
  name: 'graph',
  async run(size) {
    const scale = SCALE[size];
    const dir = mkdtempSync(join(tmpdir(), 'devshare-bench-'));
    const databaseBase = `sqlite:${join(dir, 'graph.sqlite')}`;
    const rows: Row[] = [];
    const sdl = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));
    try {
      const counter = new StatementCounter();
      // Both servers share the secret, so that the sharer's token works on the second one too.
      const config = { redisUrl: undefined, jwtSecret: randomBytes(32) };
      let server = await startTestServer({ databaseBase, queryLogger: counter, config });
      const data = await seed(server, scale);
      const figures: Record<string, Row[]> = {};
      try {
        for (const dashboard of DASHBOARD_QUERIES) {
          const variables = dashboard.variables(data.deviceId);
          const body = JSON.stringify({ query: dashboard.query, variables });
          const send = () => server.gql(dashboard.query, variables, { token: data.sharer.token });
          const answer = await send();
          if (answer.errors?.length) throw new Error(`${dashboard.name}: ${JSON.stringify(answer.errors)}`);
          const served = await load(server, data.sharer, body, scale.seconds);
          const document: DocumentNode = parse(dashboard.query);
          const ceiling = await loop(scale.seconds, () =>
            execute({ schema: sdl, document, rootValue: answer.data, variableValues: variables }),
          );
          const ids = { sharerId: data.sharer.account.id, enterpriseId: data.enterpriseId, deviceId: data.deviceId };
          const floor = await loop(scale.seconds, async () => {
            for (const statement of dashboard.sql)
              await server.app.db.dataSource.query(statement.text, statement.params(ids));
          });
          const statements = await statementsPerRequest(server, counter, send);
          figures[dashboard.name] = [
            row(dashboard.name, 'devshare over HTTP', served, statements, served.perSecond),
            row(dashboard.name, 'graphql-js execute in memory (ceiling)', ceiling, 0, served.perSecond),
            row(dashboard.name, 'hand-written SQL (floor)', floor, dashboard.sql.length, served.perSecond),
          ];
        }
      } finally {
        await server.close();
      }
      // The same database, served with every load its own statement.
      server = await startTestServer({
        databaseBase,
        queryLogger: counter,
        loaderBatching: false,
        config,
      });
      try {
        for (const dashboard of DASHBOARD_QUERIES) {
          const variables = dashboard.variables(data.deviceId);
          const send = () => server.gql(dashboard.query, variables, { token: data.sharer.token });
          const served = await load(
            server,
            data.sharer,
            JSON.stringify({ query: dashboard.query, variables }),
            scale.seconds,
          );
          const statements = await statementsPerRequest(server, counter, send);
          const batched = figures[dashboard.name][0]['req/s'] as number;
          rows.push(
            ...figures[dashboard.name],
            row(dashboard.name, 'devshare, DataLoader batching off', served, statements, batched),
          );
        }
      } finally {
        await server.close();
      }
      return {
        part: 'graph',
        workload: `SQLite file: 1 enterprise, ${scale.devices} devices, ${scale.recipients} recipients, ${data.shares} shares with ${data.rows} shared-device rows (${STATUS_MIX.map(([status, weight]) => `${weight}% ${status}`).join(', ')}); ${CONNECTIONS} connections for ${scale.seconds} s per query`,
        rows,
        notes: [
          '"x devshare": the rate against devshare over HTTP with batching (above 1: faster)',
          'the ceiling runs graphql-js alone on one thread, without HTTP or data access; the floor runs the statements one after the other on the same SQLite connection',
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function row(
  query: string,
  implementation: string,
  timing: { perSecond: number; p50: number; p99: number },
  statements: number,
  devsharePerSecond: number,
): Row {
  return {
    query,
    implementation,
    'req/s': round(timing.perSecond),
    'p50 ms': round(timing.p50, 2),
    'p99 ms': round(timing.p99, 2),
    'SQL/req': statements,
    'x devshare': round(timing.perSecond / devsharePerSecond, 2),
  };
}
