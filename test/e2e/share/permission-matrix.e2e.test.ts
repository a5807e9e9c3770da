import { CancelShareDocument, type Permission } from '../../support/graphql/documents.generated';
import { ManualClock } from '../../support/manual-clock';
import { addMember } from '../../support/members';
import {
  errorCodes,
  startTestServer,
  type GraphQLResponse,
  type Session,
  type TestServer,
} from '../../support/test-server';
import { World, type Member } from '../../support/world';

/**
 * SPEC §4 as one table: every viewer × every field, and what the viewer gets — the value, null
 * with FORBIDDEN at that path, NOT_FOUND (as if the object did not exist), or UNAUTHENTICATED.
 */
type Outcome = 'value' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';
const VIEWERS = [
  'ownerAdmin',
  'ownerOperator',
  'ownerViewer',
  'recipientMonitor',
  'recipientConfigure',
  'recipientCancelled',
  'recipientExpired',
  'recipientElsewhere',
  'receivingColleague',
  'stranger',
  'anonymous',
] as const;
type ViewerName = (typeof VIEWERS)[number];

interface Ids {
  deviceId: string;
  enterpriseId: string;
  monitorShareId: string;
  /** A share sent by the OPERATOR, not by the ADMIN. */
  operatorShareId: string;
  /** A share sent by the OPERATOR to recipientMonitor, and accepted. */
  operatorToMonitorShareId: string;
}

interface Row {
  field: string;
  query: (ids: Ids) => string;
  /** Where the field sits in the response data. */
  path: (string | number)[];
  expect: Record<ViewerName, Outcome>;
}

/**
 * Viewers for whom the owner's side does not exist: recipients of ended shares, the recipient of an
 * ACTIVE share acting in another enterprise of theirs (`recipientElsewhere`), another member of a
 * receiving enterprise (`receivingColleague`: a share is a grant to one person), strangers.
 */
const GONE = {
  recipientCancelled: 'NOT_FOUND',
  recipientExpired: 'NOT_FOUND',
  recipientElsewhere: 'NOT_FOUND',
  receivingColleague: 'NOT_FOUND',
  stranger: 'NOT_FOUND',
  anonymous: 'UNAUTHENTICATED',
} as const;

const TABLE: Row[] = [
  {
    field: 'Share sent by an OPERATOR (its sharer, ADMINs of its enterprise)',
    query: ({ operatorShareId }) => `{ share(id: "${operatorShareId}") { status recipientEmail } }`,
    path: ['share', 'recipientEmail'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'NOT_FOUND',
      recipientMonitor: 'NOT_FOUND',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: 'Device.name (identity)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { name } }`,
    path: ['device', 'name'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'value',
      recipientConfigure: 'value',
      ...GONE,
    },
  },
  {
    field: 'Device.status (MONITOR)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { status } }`,
    path: ['device', 'status'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'value',
      recipientConfigure: 'FORBIDDEN',
      ...GONE,
    },
  },
  {
    field: 'Device.firmwareVersion (MONITOR)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { firmwareVersion } }`,
    path: ['device', 'firmwareVersion'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'value',
      recipientConfigure: 'FORBIDDEN',
      ...GONE,
    },
  },
  {
    field: 'Device.configuration (owner ADMIN/OPERATOR, CONFIGURE)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { configuration } }`,
    path: ['device', 'configuration'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'FORBIDDEN',
      recipientMonitor: 'FORBIDDEN',
      recipientConfigure: 'value',
      ...GONE,
    },
  },
  {
    field: 'Device.group (owner members)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { group { name } } }`,
    path: ['device', 'group'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'FORBIDDEN',
      recipientConfigure: 'FORBIDDEN',
      ...GONE,
    },
  },
  {
    field: 'Enterprise.name (members, other party)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { enterprise { name } } }`,
    path: ['device', 'enterprise', 'name'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'value',
      recipientConfigure: 'value',
      ...GONE,
    },
  },
  {
    field: 'Enterprise.settings (members)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { enterprise { settings { operatorsCanShare } } } }`,
    path: ['device', 'enterprise', 'settings'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'FORBIDDEN',
      recipientConfigure: 'FORBIDDEN',
      ...GONE,
    },
  },
  {
    field: 'Enterprise.members (members)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { enterprise { members { edges { node { role } } } } } }`,
    path: ['device', 'enterprise', 'members'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'FORBIDDEN',
      recipientConfigure: 'FORBIDDEN',
      ...GONE,
    },
  },
  {
    field: 'Enterprise (its own query: members only)',
    query: ({ enterpriseId }) => `{ enterprise(id: "${enterpriseId}") { name } }`,
    path: ['enterprise', 'name'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'NOT_FOUND',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: 'Share (sharer, ADMINs of its enterprise, recipient)',
    query: ({ monitorShareId }) => `{ share(id: "${monitorShareId}") { status } }`,
    path: ['share', 'status'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'NOT_FOUND',
      ownerViewer: 'NOT_FOUND',
      recipientMonitor: 'value',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: 'Device.shares (a list for whoever sees the device: every share for owner ADMINs, its own for a sharer)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { shares { edges { node { id } } } } }`,
    path: ['device', 'shares'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'value',
      recipientConfigure: 'value',
      ...GONE,
    },
  },
  {
    field: 'Device.myAccess (whoever sees the device)',
    query: ({ deviceId }) => `{ device(id: "${deviceId}") { myAccess { permissions } } }`,
    path: ['device', 'myAccess'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'value',
      recipientConfigure: 'value',
      ...GONE,
    },
  },
  {
    field: 'Account.email of the other party of a share',
    query: ({ monitorShareId }) => `{ share(id: "${monitorShareId}") { sharer { email } } }`,
    path: ['share', 'sharer', 'email'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'NOT_FOUND',
      ownerViewer: 'NOT_FOUND',
      recipientMonitor: 'value',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: "Account.email of a share's recipient (the sharer, ADMINs of the sharer's enterprise, itself)",
    query: ({ operatorToMonitorShareId }) => `{ share(id: "${operatorToMonitorShareId}") { recipient { email } } }`,
    path: ['share', 'recipient', 'email'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'NOT_FOUND',
      recipientMonitor: 'value',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: 'Account.email of a fellow member',
    query: ({ enterpriseId }) =>
      `{ enterprise(id: "${enterpriseId}") { members { edges { node { account { email } } } } } }`,
    path: ['enterprise', 'members', 'edges', 0, 'node', 'account', 'email'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'value',
      ownerViewer: 'value',
      recipientMonitor: 'NOT_FOUND',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: "Account.memberships (the account itself): the ADMIN's, read by each member",
    query: ({ enterpriseId }) =>
      `{ enterprise(id: "${enterpriseId}") { members { edges { node { account { memberships { edges { node { role } } } } } } } } }`,
    path: ['enterprise', 'members', 'edges', 0, 'node', 'account', 'memberships'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'FORBIDDEN',
      ownerViewer: 'FORBIDDEN',
      recipientMonitor: 'NOT_FOUND',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
  {
    field: 'Audit events of the enterprise (its ADMINs)',
    query: ({ enterpriseId }) => `{ auditLog(enterpriseId: "${enterpriseId}") { edges { cursor } } }`,
    path: ['auditLog'],
    expect: {
      ownerAdmin: 'value',
      ownerOperator: 'FORBIDDEN',
      ownerViewer: 'FORBIDDEN',
      recipientMonitor: 'NOT_FOUND',
      recipientConfigure: 'NOT_FOUND',
      ...GONE,
    },
  },
];

function valueAt(data: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node == null ? node : (node as Record<string, unknown>)[key]), data);
}

describe('who sees what (SPEC §4): the permission matrix', () => {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  let server: TestServer;
  const sessions = {} as Record<ViewerName, Session | undefined>;
  let ids: Ids;
  /** The enterprise a viewer names with x-enterprise-id (none: its only one). */
  const actingIn: Partial<Record<ViewerName, string>> = {};

  beforeAll(async () => {
    server = await startTestServer({ clock, config: { jwtTtlSeconds: 365 * 24 * 3600 } });
    const world = new World(server);
    const owner = await world.team('Owner', { operator: true, viewer: true });
    sessions.ownerAdmin = owner.admin;
    sessions.ownerOperator = owner.operator;
    sessions.ownerViewer = owner.viewer;
    sessions.stranger = await server.signUp('stranger');
    // The device has a group and a firmware version, which World.device does not set: registered here.
    const { createDeviceGroup } = await world.ok<{ createDeviceGroup: { id: string } }>(
      `mutation { createDeviceGroup(input: { name: "Rack" }) { id } }`,
      {},
      { token: owner.admin.token },
    );
    const { registerDevice } = await world.ok<{ registerDevice: { id: string } }>(
      `mutation ($g: ID) { registerDevice(input: { serialNumber: "MATRIX-1", name: "UPS", model: "M", plan: STANDARD, groupId: $g, firmwareVersion: "1.0" }) { id } }`,
      { g: createDeviceGroup.id },
      { token: owner.admin.token },
    );
    /** A recipient with an enterprise of their own (where they accept), seen as `name`. */
    const recipient = async (name: ViewerName) => {
      const person = await world.person(name);
      sessions[name] = person;
      return person;
    };
    const shareTo = async (
      to: Member,
      permissions: Permission[],
      { expiresAt, by }: { expiresAt?: string; by?: Session } = {},
    ) => {
      const invitation = await world.share(owner, to, [registerDevice.id], { permissions, expiresAt, by });
      await world.accept(to, invitation);
      return invitation.shareId;
    };
    const monitor = await recipient('recipientMonitor');
    const monitorShareId = await shareTo(monitor, ['MONITOR']);
    const operatorToMonitorShareId = await shareTo(monitor, ['MONITOR'], { by: owner.operator });
    sessions.receivingColleague = await server.signUp('receivingColleague');
    await addMember(server, monitor, monitor.enterpriseId, sessions.receivingColleague, 'ADMIN');
    // recipientElsewhere accepts into one enterprise and asks while acting in another (US) of theirs.
    const elsewhere = await recipient('recipientElsewhere');
    await shareTo(elsewhere, ['MONITOR', 'CONFIGURE']);
    actingIn.recipientElsewhere = await world.enterprise(elsewhere, 'Receiving', 'US');
    await shareTo(await recipient('recipientConfigure'), ['CONFIGURE']);
    const cancelled = await shareTo(await recipient('recipientCancelled'), ['MONITOR', 'CONFIGURE']);
    await world.ok(CancelShareDocument, { shareId: cancelled }, { token: owner.admin.token });
    const expiring = await shareTo(await recipient('recipientExpired'), ['MONITOR', 'CONFIGURE'], {
      expiresAt: '2026-11-25T12:00:00.000Z',
    });
    clock.advance(25 * 3600 * 1000);
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      const [{ status }] = await server.app.db.dataSource.query(`SELECT status FROM share WHERE id = '${expiring}'`);
      if (status === 'EXPIRED') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const byOperator = await world.share(owner, 'partner@example.com', [registerDevice.id], { by: owner.operator });
    ids = {
      deviceId: registerDevice.id,
      enterpriseId: owner.enterpriseId,
      monitorShareId,
      operatorShareId: byOperator.shareId,
      operatorToMonitorShareId,
    };
  });
  afterAll(() => server.close());

  const cases = TABLE.flatMap((row) => VIEWERS.map((viewer) => [row.field, viewer, row.expect[viewer], row] as const));

  it.each(cases)('%s — %s gets %s', async (_field, viewer, outcome, row) => {
    const response: GraphQLResponse = await server.gql(
      row.query(ids),
      {},
      { token: sessions[viewer]?.token, enterpriseId: actingIn[viewer] },
    );
    const codes = errorCodes(response);
    switch (outcome) {
      case 'value': {
        // Only this field's path counts: sibling objects may hold fields of their own rules.
        const atPath = (response.errors ?? []).filter(
          (error) => JSON.stringify(error.path) === JSON.stringify(row.path),
        );
        expect(atPath).toEqual([]);
        expect(codes.every((code) => code === 'FORBIDDEN')).toBe(true);
        expect(valueAt(response.data, row.path)).not.toBeNull();
        break;
      }
      case 'FORBIDDEN':
        expect(valueAt(response.data, row.path) ?? null).toBeNull();
        expect(response.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ path: row.path, extensions: { code: 'FORBIDDEN' } })]),
        );
        break;
      default:
        expect(codes).toEqual([outcome]);
    }
  });
});
