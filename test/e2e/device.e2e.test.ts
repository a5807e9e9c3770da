import { randomUUID } from 'node:crypto';
import {
  errorCodes,
  nodes,
  startTestServer,
  type GraphQLResponse,
  type Session,
  type TestServer,
} from '../support/test-server';
import { addMember } from '../support/members';

/*
 * The device inventory of SPEC §1, §3-§5, end to end: device groups, registering, moving,
 * re-planning and deleting devices, who reads which device field, the `devices` connection and
 * the event log those actions leave.
 */

const DEVICE_FIELDS = `id name model serialNumber plan isDemo firmwareVersion status online lastSeenAt telemetry
  configuration createdAt group { id } registeredBy { id } enterprise { id }`;
const REGISTER = `mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { ${DEVICE_FIELDS} } }`;
const CREATE_GROUP = `mutation ($input: CreateDeviceGroupInput!) {
  createDeviceGroup(input: $input) { id name parent { id name } children { edges { node { id } } } }
}`;
const MOVE = `mutation ($deviceId: ID!, $groupId: ID) { moveDevice(deviceId: $deviceId, groupId: $groupId) { id group { id } } }`;
const CHANGE_PLAN = `mutation ($deviceId: ID!, $plan: DevicePlan!) { changeDevicePlan(deviceId: $deviceId, plan: $plan) { id plan } }`;
const DELETE = `mutation ($deviceId: ID!) { deleteDevice(deviceId: $deviceId) }`;
const DEVICE = `query ($id: ID!) { device(id: $id) { ${DEVICE_FIELDS} } }`;
const DEVICES = `query ($enterpriseId: ID, $groupId: ID, $includeSubgroups: Boolean! = false, $first: Int! = 50, $after: String) {
  devices(enterpriseId: $enterpriseId, groupId: $groupId, includeSubgroups: $includeSubgroups, first: $first, after: $after) {
    edges { cursor node { id serialNumber } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const GROUPS = `query ($id: ID!) {
  enterprise(id: $id) {
    groups(first: 100) { edges { node { id name parent { id } children(first: 20) { edges { node { id name } } } } } }
  }
}`;
const AUDIT_LOG = `query ($enterpriseId: ID, $deviceId: ID) {
  auditLog(enterpriseId: $enterpriseId, deviceId: $deviceId, first: 500) {
    edges { node { action enterpriseId targetType targetId details actor { id } } }
  }
}`;
const UPDATE_CONFIGURATION = `mutation ($deviceId: ID!, $configuration: JSONObject!) {
  updateDeviceConfiguration(deviceId: $deviceId, configuration: $configuration) { id }
}`;

interface Team {
  enterpriseId: string;
  admin: Session;
  operator: Session;
  viewer: Session;
}

interface DeviceView {
  id: string;
  name: string;
  model: string;
  serialNumber: string;
  plan: string;
  isDemo: boolean;
  firmwareVersion: string | null;
  status: string | null;
  online: boolean | null;
  lastSeenAt: string | null;
  telemetry: Record<string, unknown> | null;
  configuration: Record<string, unknown> | null;
  createdAt: string;
  group: { id: string } | null;
  registeredBy: { id: string } | null;
  enterprise: { id: string };
}

interface DevicePage {
  edges: { cursor: string; node: { id: string; serialNumber: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface GroupNode {
  id: string;
  name: string;
  parent: { id: string } | null;
  children: { edges: { node: { id: string; name: string } }[] };
}

interface AuditNode {
  action: string;
  enterpriseId: string | null;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  actor: { id: string } | null;
}

let serials = 0;
/** A serial number no other test uses (valid: letters, digits and "-"). */
const nextSerial = () => `SN-${++serials}-${randomUUID().slice(0, 8)}`.toUpperCase();

describe('device inventory', () => {
  let server: TestServer;
  /** ADMIN, OPERATOR and VIEWER of one enterprise. */
  let team: Team;
  /** The ADMIN of a second enterprise. */
  let rival: { enterpriseId: string; admin: Session };

  const ids = (connection: { edges: { node: { id: string } }[] } | null | undefined) =>
    nodes(connection).map((node) => node.id);

  async function createEnterprise(admin: Session, name: string): Promise<string> {
    const created = await server.gql<{ createEnterprise: { id: string } }>(
      `mutation ($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id } }`,
      { input: { name, dataCenter: 'EU' } },
      { token: admin.token },
    );
    expect(errorCodes(created)).toEqual([]);
    return created.data!.createEnterprise.id;
  }

  async function makeTeam(name: string): Promise<Team> {
    const admin = await server.signUp(`${name} admin`);
    const enterpriseId = await createEnterprise(admin, name);
    const operator = await server.signUp(`${name} operator`);
    const viewer = await server.signUp(`${name} viewer`);
    await addMember(server, admin, enterpriseId, operator, 'OPERATOR');
    await addMember(server, admin, enterpriseId, viewer, 'VIEWER');
    return { enterpriseId, admin, operator, viewer };
  }

  /** Registers a device as `owner` (its only enterprise); fails the test on any error. */
  async function register(owner: Session, input: Record<string, unknown> = {}): Promise<DeviceView> {
    const response = await server.gql<{ registerDevice: DeviceView }>(
      REGISTER,
      { input: { serialNumber: nextSerial(), name: 'Rack UPS', model: 'Smart-UPS 1500', plan: 'STANDARD', ...input } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.registerDevice;
  }

  /** Creates a group as `owner`; fails the test on any error. */
  async function createGroup(owner: Session, name: string, parentId?: string): Promise<string> {
    const response = await server.gql<{ createDeviceGroup: { id: string } }>(
      CREATE_GROUP,
      { input: { name, parentId } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.createDeviceGroup.id;
  }

  function readDevice(reader: Session, id: string): Promise<GraphQLResponse<{ device: DeviceView }>> {
    return server.gql<{ device: DeviceView }>(DEVICE, { id }, { token: reader.token });
  }

  /** The device as its ADMIN sees it (all fields readable). */
  async function deviceAsAdmin(id: string): Promise<DeviceView> {
    const response = await readDevice(team.admin, id);
    expect(errorCodes(response)).toEqual([]);
    return response.data!.device;
  }

  async function listDevices(reader: Session, variables: Record<string, unknown> = {}): Promise<DevicePage> {
    const response = await server.gql<{ devices: DevicePage }>(DEVICES, variables, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.devices;
  }

  async function groupsOf(reader: Session, enterpriseId: string): Promise<GroupNode[]> {
    const response = await server.gql<{ enterprise: { groups: { edges: { node: GroupNode }[] } } }>(
      GROUPS,
      { id: enterpriseId },
      { token: reader.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return nodes(response.data!.enterprise.groups);
  }

  async function auditLog(reader: Session, variables: Record<string, unknown>): Promise<AuditNode[]> {
    const response = await server.gql<{ auditLog: { edges: { node: AuditNode }[] } }>(AUDIT_LOG, variables, {
      token: reader.token,
    });
    expect(errorCodes(response)).toEqual([]);
    return nodes(response.data!.auditLog);
  }

  /** Every device with this serial number, in the team's and the rival's inventories. */
  async function devicesWithSerial(serialNumber: string): Promise<string[]> {
    const [ours, theirs] = await Promise.all([
      listDevices(team.admin, { first: 500 }),
      listDevices(rival.admin, { first: 500 }),
    ]);
    return [...ours.edges, ...theirs.edges]
      .filter((edge) => edge.node.serialNumber === serialNumber)
      .map((edge) => edge.node.id);
  }

  beforeAll(async () => {
    server = await startTestServer();
    team = await makeTeam('Acme');
    const rivalAdmin = await server.signUp('Rival admin');
    rival = { enterpriseId: await createEnterprise(rivalAdmin, 'Rival'), admin: rivalAdmin };
  });
  afterAll(() => server.close());

  describe('createDeviceGroup', () => {
    it('an ADMIN builds a tree: the new group answers its parent and children', async () => {
      const root = await server.gql<{ createDeviceGroup: GroupNode }>(
        CREATE_GROUP,
        { input: { name: '  Building A  ' } },
        { token: team.admin.token },
      );
      expect(errorCodes(root)).toEqual([]);
      expect(root.data!.createDeviceGroup).toEqual({
        id: expect.any(String),
        name: 'Building A',
        parent: null,
        children: { edges: [] },
      });
      const rootId = root.data!.createDeviceGroup.id;
      const child = await server.gql<{ createDeviceGroup: GroupNode }>(
        CREATE_GROUP,
        { input: { name: 'Floor 1', parentId: rootId } },
        { token: team.admin.token },
      );
      expect(errorCodes(child)).toEqual([]);
      expect(child.data!.createDeviceGroup).toEqual({
        id: expect.any(String),
        name: 'Floor 1',
        parent: { id: rootId, name: 'Building A' },
        children: { edges: [] },
      });
    });

    it('Enterprise.groups lists the whole tree, parents before children, with DeviceGroup.parent and children', async () => {
      const site = await createGroup(team.admin, 'Site North');
      const hall = await createGroup(team.admin, 'Hall', site);
      const annex = await createGroup(team.admin, 'Annex', site);
      const rack = await createGroup(team.admin, 'Rack 7', hall);
      for (const member of [team.admin, team.operator, team.viewer]) {
        const groups = await groupsOf(member, team.enterpriseId);
        const byId = new Map(groups.map((group) => [group.id, group]));
        expect(byId.get(site)).toEqual({
          id: site,
          name: 'Site North',
          parent: null,
          children: {
            edges: [{ node: { id: hall, name: 'Hall' } }, { node: { id: annex, name: 'Annex' } }],
          },
        });
        expect(byId.get(hall)).toEqual({
          id: hall,
          name: 'Hall',
          parent: { id: site },
          children: { edges: [{ node: { id: rack, name: 'Rack 7' } }] },
        });
        expect(byId.get(annex)).toEqual({ id: annex, name: 'Annex', parent: { id: site }, children: { edges: [] } });
        expect(byId.get(rack)).toEqual({ id: rack, name: 'Rack 7', parent: { id: hall }, children: { edges: [] } });
        const position = (id: string) => groups.findIndex((group) => group.id === id);
        for (const group of groups) {
          if (group.parent) expect(position(group.parent.id)).toBeLessThan(position(group.id));
        }
      }
    });

    it("another enterprise's groups are not in its Enterprise.groups, and its enterprise answers NOT_FOUND", async () => {
      const mine = await createGroup(team.admin, 'Ours only');
      const theirs = await createGroup(rival.admin, 'Theirs only');
      expect((await groupsOf(team.admin, team.enterpriseId)).map((group) => group.id)).not.toContain(theirs);
      const rivalGroups = (await groupsOf(rival.admin, rival.enterpriseId)).map((group) => group.id);
      expect(rivalGroups).toContain(theirs);
      expect(rivalGroups).not.toContain(mine);
      const foreign = await server.gql(GROUPS, { id: team.enterpriseId }, { token: rival.admin.token });
      expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(foreign)).not.toContain(mine);
    });

    it('a sibling with the same name, whatever its case and surrounding blanks, answers CONFLICT', async () => {
      const parent = await createGroup(team.admin, 'Duplicates');
      await createGroup(team.admin, 'Same', parent);
      for (const name of ['Same', 'SAME', '  same  ']) {
        const again = await server.gql(
          CREATE_GROUP,
          { input: { name, parentId: parent } },
          { token: team.admin.token },
        );
        expect(errorCodes(again)).toEqual(['CONFLICT']);
      }
      const topLevel = await server.gql(CREATE_GROUP, { input: { name: 'duplicates' } }, { token: team.admin.token });
      expect(errorCodes(topLevel)).toEqual(['CONFLICT']);
      const children = (await groupsOf(team.admin, team.enterpriseId)).filter((group) => group.parent?.id === parent);
      expect(children.map((group) => group.name)).toEqual(['Same']);
    });

    it('the same name is fine under another parent, and in another enterprise', async () => {
      const left = await createGroup(team.admin, 'Left wing');
      const right = await createGroup(team.admin, 'Right wing');
      await createGroup(team.admin, 'Storage', left);
      await createGroup(team.admin, 'Storage', right);
      await createGroup(team.admin, 'Storage');
      await createGroup(rival.admin, 'Left wing');
    });

    it('concurrent creations of one sibling name create exactly one group', async () => {
      const parent = await createGroup(team.admin, 'Race parent');
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () =>
          server.gql(CREATE_GROUP, { input: { name: 'Race', parentId: parent } }, { token: team.admin.token }),
        ),
      );
      const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      const children = (await groupsOf(team.admin, team.enterpriseId)).filter((group) => group.parent?.id === parent);
      expect(children.map((group) => group.name)).toEqual(['Race']);
    });

    it('a parent from another enterprise answers NOT_FOUND, exactly like a parent that does not exist', async () => {
      const foreign = await createGroup(rival.admin, 'Rival parent');
      const intoForeign = await server.gql(
        CREATE_GROUP,
        { input: { name: 'Sneaky', parentId: foreign } },
        { token: team.admin.token },
      );
      const intoMissing = await server.gql(
        CREATE_GROUP,
        { input: { name: 'Sneaky', parentId: randomUUID() } },
        { token: team.admin.token },
      );
      expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
      expect(intoForeign.errors).toEqual(intoMissing.errors);
      const rivalGroups = await groupsOf(rival.admin, rival.enterpriseId);
      expect(rivalGroups.find((group) => group.id === foreign)!.children.edges).toEqual([]);
      expect((await groupsOf(team.admin, team.enterpriseId)).map((group) => group.name)).not.toContain('Sneaky');
    });

    it('groups nest at most 16 levels deep: a 17th level answers BAD_USER_INPUT', async () => {
      let parentId: string | undefined;
      for (let level = 1; level <= 16; level++) parentId = await createGroup(team.admin, `Level ${level}`, parentId);
      const tooDeep = await server.gql(
        CREATE_GROUP,
        { input: { name: 'Level 17', parentId } },
        { token: team.admin.token },
      );
      expect(errorCodes(tooDeep)).toEqual(['BAD_USER_INPUT']);
    });

    it('a blank or over-long group name answers BAD_USER_INPUT', async () => {
      for (const name of ['', '   ', 'G'.repeat(101)]) {
        const response = await server.gql(CREATE_GROUP, { input: { name } }, { token: team.admin.token });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('only ADMINs create groups: OPERATOR and VIEWER get FORBIDDEN and nothing is created', async () => {
      const parent = await createGroup(team.admin, 'Admins only');
      for (const member of [team.operator, team.viewer]) {
        for (const input of [{ name: `By ${member.account.name}` }, { name: 'Child', parentId: parent }]) {
          const response = await server.gql(CREATE_GROUP, { input }, { token: member.token });
          expect(errorCodes(response)).toEqual(['FORBIDDEN']);
          expect(response.data).toBeNull();
        }
      }
      const names = (await groupsOf(team.admin, team.enterpriseId)).map((group) => group.name);
      expect(names).not.toContain(`By ${team.operator.account.name}`);
      expect(names).not.toContain(`By ${team.viewer.account.name}`);
      expect(names).not.toContain('Child');
    });
  });

  describe('registerDevice', () => {
    it.each([
      ['BASIC', false],
      ['BASIC', true],
      ['STANDARD', false],
      ['STANDARD', true],
      ['ADVANCED', false],
      ['ADVANCED', true],
    ])('an ADMIN registers a %s device (isDemo %s), recorded with who registered it', async (plan, isDemo) => {
      const serialNumber = nextSerial();
      const response = await server.gql<{ registerDevice: DeviceView }>(
        REGISTER,
        { input: { serialNumber, name: ' Lobby UPS ', model: ' SMT1500 ', plan, isDemo, firmwareVersion: ' 2.1.0 ' } },
        { token: team.admin.token },
      );
      expect(errorCodes(response)).toEqual([]);
      const expected = {
        id: expect.any(String),
        serialNumber,
        name: 'Lobby UPS',
        model: 'SMT1500',
        plan,
        isDemo,
        firmwareVersion: '2.1.0',
        status: 'UNKNOWN',
        online: false,
        lastSeenAt: null,
        telemetry: {},
        configuration: {},
        createdAt: expect.any(String),
        group: null,
        registeredBy: { id: team.admin.account.id },
        enterprise: { id: team.enterpriseId },
      };
      expect(response.data!.registerDevice).toEqual(expected);
      expect(await deviceAsAdmin(response.data!.registerDevice.id)).toEqual(response.data!.registerDevice);
    });

    it('isDemo defaults to false', async () => {
      const device = await register(team.admin, { plan: 'ADVANCED' });
      expect(device.isDemo).toBe(false);
    });

    it('an ADMIN registers a device straight into a group of its enterprise', async () => {
      const groupId = await createGroup(team.admin, 'Demo shelf');
      const device = await register(team.admin, { isDemo: true, groupId });
      expect(device.group).toEqual({ id: groupId });
      expect((await deviceAsAdmin(device.id)).group).toEqual({ id: groupId });
    });

    it('the serial number is stored trimmed and in upper case', async () => {
      const suffix = randomUUID().slice(0, 8);
      const device = await register(team.admin, { serialNumber: `  ab-123.x_${suffix} ` });
      expect(device.serialNumber).toBe(`AB-123.X_${suffix.toUpperCase()}`);
      expect((await deviceAsAdmin(device.id)).serialNumber).toBe(`AB-123.X_${suffix.toUpperCase()}`);
    });

    it('serial numbers are unique platform-wide: CONFLICT in the same or another enterprise, whatever the case or blanks', async () => {
      const suffix = randomUUID().slice(0, 8);
      const stored = `UNIQ-${suffix.toUpperCase()}`;
      const device = await register(team.admin, { serialNumber: stored });
      for (const [owner, serialNumber] of [
        [team.admin, stored],
        [team.admin, `uniq-${suffix.toLowerCase()}`],
        [team.admin, ` Uniq-${suffix} `],
        [rival.admin, stored],
        [rival.admin, `uniq-${suffix.toLowerCase()}`],
      ] as const) {
        const again = await server.gql(
          REGISTER,
          { input: { serialNumber, name: 'Copy', model: 'M', plan: 'BASIC' } },
          { token: owner.token },
        );
        expect(errorCodes(again)).toEqual(['CONFLICT']);
        expect(again.data).toBeNull();
      }
      expect(await devicesWithSerial(stored)).toEqual([device.id]);
    });

    it('concurrent registrations of one serial number, from both enterprises, create exactly one device', async () => {
      const serialNumber = nextSerial();
      const owners = [
        team.admin,
        rival.admin,
        team.admin,
        rival.admin,
        team.admin,
        rival.admin,
        team.admin,
        rival.admin,
      ];
      const attempts = await Promise.all(
        owners.map((owner, i) =>
          server.gql<{ registerDevice: { id: string } }>(
            REGISTER,
            {
              input: {
                serialNumber: i % 2 ? serialNumber.toLowerCase() : serialNumber,
                name: 'Race',
                model: 'M',
                plan: 'BASIC',
              },
            },
            { token: owner.token },
          ),
        ),
      );
      const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK').sort();
      expect(codes).toEqual([...Array<string>(7).fill('CONFLICT'), 'OK']);
      const winner = attempts.find((attempt) => attempt.data?.registerDevice)!.data!.registerDevice.id;
      expect(await devicesWithSerial(serialNumber)).toEqual([winner]);
    });

    it('a malformed serial number answers BAD_USER_INPUT', async () => {
      for (const serialNumber of ['', '   ', 'has space', 'slash/no', '-leading-dash', 'X'.repeat(65)]) {
        const response = await server.gql(
          REGISTER,
          { input: { serialNumber, name: 'UPS', model: 'M', plan: 'BASIC' } },
          { token: team.admin.token },
        );
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('a blank or over-long name or model answers BAD_USER_INPUT', async () => {
      for (const fields of [{ name: '  ' }, { model: '' }, { name: 'N'.repeat(101) }, { model: 'M'.repeat(101) }]) {
        const serialNumber = nextSerial();
        const response = await server.gql(
          REGISTER,
          { input: { serialNumber, name: 'UPS', model: 'M', plan: 'BASIC', ...fields } },
          { token: team.admin.token },
        );
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(await devicesWithSerial(serialNumber)).toEqual([]);
      }
    });

    it('only ADMINs register: OPERATOR and VIEWER get FORBIDDEN and no device is created', async () => {
      for (const member of [team.operator, team.viewer]) {
        const serialNumber = nextSerial();
        const response = await server.gql(
          REGISTER,
          { input: { serialNumber, name: 'UPS', model: 'M', plan: 'BASIC' } },
          { token: member.token },
        );
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data).toBeNull();
        expect(await devicesWithSerial(serialNumber)).toEqual([]);
        // The serial number is still free for an ADMIN.
        await register(team.admin, { serialNumber });
      }
    });

    it('a group of another enterprise answers NOT_FOUND, exactly like a group that does not exist', async () => {
      const foreign = await createGroup(rival.admin, 'Rival shelf');
      const serialNumber = nextSerial();
      const input = { serialNumber, name: 'UPS', model: 'M', plan: 'BASIC' };
      const intoForeign = await server.gql(
        REGISTER,
        { input: { ...input, groupId: foreign } },
        { token: team.admin.token },
      );
      const intoMissing = await server.gql(
        REGISTER,
        { input: { ...input, groupId: randomUUID() } },
        { token: team.admin.token },
      );
      expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
      expect(intoForeign.errors).toEqual(intoMissing.errors);
      expect(await devicesWithSerial(serialNumber)).toEqual([]);
    });

    it('anonymous callers get UNAUTHENTICATED', async () => {
      const response = await server.gql(REGISTER, {
        input: { serialNumber: nextSerial(), name: 'UPS', model: 'M', plan: 'BASIC' },
      });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('moveDevice', () => {
    it('ADMINs and OPERATORs move a device between groups and to the top level with groupId null', async () => {
      const device = await register(team.admin);
      const first = await createGroup(team.admin, `Move A ${device.id}`);
      const second = await createGroup(team.admin, `Move B ${device.id}`, first);
      for (const mover of [team.admin, team.operator]) {
        const intoFirst = await server.gql<{ moveDevice: { id: string; group: { id: string } | null } }>(
          MOVE,
          { deviceId: device.id, groupId: first },
          { token: mover.token },
        );
        expect(errorCodes(intoFirst)).toEqual([]);
        expect(intoFirst.data!.moveDevice).toEqual({ id: device.id, group: { id: first } });
        expect((await deviceAsAdmin(device.id)).group).toEqual({ id: first });

        const intoSecond = await server.gql<{ moveDevice: { group: { id: string } | null } }>(
          MOVE,
          { deviceId: device.id, groupId: second },
          { token: mover.token },
        );
        expect(intoSecond.data!.moveDevice.group).toEqual({ id: second });
        expect((await deviceAsAdmin(device.id)).group).toEqual({ id: second });

        const toTop = await server.gql<{ moveDevice: { group: null } }>(
          MOVE,
          { deviceId: device.id, groupId: null },
          { token: mover.token },
        );
        expect(errorCodes(toTop)).toEqual([]);
        expect(toTop.data!.moveDevice.group).toBeNull();
        expect((await deviceAsAdmin(device.id)).group).toBeNull();
      }
    });

    it('a moved device is listed under its new group only', async () => {
      const from = await createGroup(team.admin, 'Moved from');
      const to = await createGroup(team.admin, 'Moved to');
      const device = await register(team.admin, { groupId: from });
      await server.gql(MOVE, { deviceId: device.id, groupId: to }, { token: team.operator.token });
      expect(ids(await listDevices(team.viewer, { groupId: from }))).toEqual([]);
      expect(ids(await listDevices(team.viewer, { groupId: to }))).toEqual([device.id]);
    });

    it('a VIEWER gets FORBIDDEN and the device stays where it was', async () => {
      const groupId = await createGroup(team.admin, 'Viewer cannot move here');
      const device = await register(team.admin);
      for (const target of [groupId, null]) {
        const response = await server.gql(MOVE, { deviceId: device.id, groupId: target }, { token: team.viewer.token });
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data).toBeNull();
      }
      expect((await deviceAsAdmin(device.id)).group).toBeNull();
    });

    it('a group of another enterprise answers NOT_FOUND, exactly like a group that does not exist', async () => {
      const home = await createGroup(team.admin, 'Home group');
      const device = await register(team.admin, { groupId: home });
      const foreign = await createGroup(rival.admin, `Foreign ${device.id}`);
      for (const mover of [team.admin, team.operator]) {
        const intoForeign = await server.gql(MOVE, { deviceId: device.id, groupId: foreign }, { token: mover.token });
        const intoMissing = await server.gql(
          MOVE,
          { deviceId: device.id, groupId: randomUUID() },
          { token: mover.token },
        );
        expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
        expect(intoForeign.errors).toEqual(intoMissing.errors);
      }
      expect((await deviceAsAdmin(device.id)).group).toEqual({ id: home });
    });

    it("another enterprise's ADMIN cannot move the device: NOT_FOUND, exactly like a device that does not exist", async () => {
      const device = await register(team.admin);
      const foreign = await createGroup(rival.admin, `Rival target ${device.id}`);
      const byRival = await server.gql(MOVE, { deviceId: device.id, groupId: foreign }, { token: rival.admin.token });
      const missing = await server.gql(
        MOVE,
        { deviceId: randomUUID(), groupId: foreign },
        { token: rival.admin.token },
      );
      expect(errorCodes(byRival)).toEqual(['NOT_FOUND']);
      expect(byRival.errors).toEqual(missing.errors);
      expect((await deviceAsAdmin(device.id)).group).toBeNull();
    });
  });

  describe('changeDevicePlan', () => {
    it('an ADMIN changes the plan, to every plan', async () => {
      const device = await register(team.admin, { plan: 'STANDARD' });
      for (const plan of ['BASIC', 'ADVANCED', 'STANDARD']) {
        const response = await server.gql<{ changeDevicePlan: { id: string; plan: string } }>(
          CHANGE_PLAN,
          { deviceId: device.id, plan },
          { token: team.admin.token },
        );
        expect(errorCodes(response)).toEqual([]);
        expect(response.data!.changeDevicePlan).toEqual({ id: device.id, plan });
        expect((await deviceAsAdmin(device.id)).plan).toBe(plan);
      }
    });

    it('only ADMINs: OPERATOR and VIEWER get FORBIDDEN and the plan stays', async () => {
      const device = await register(team.admin, { plan: 'STANDARD' });
      for (const member of [team.operator, team.viewer]) {
        const response = await server.gql(CHANGE_PLAN, { deviceId: device.id, plan: 'BASIC' }, { token: member.token });
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data).toBeNull();
      }
      expect((await deviceAsAdmin(device.id)).plan).toBe('STANDARD');
    });

    it("another enterprise's ADMIN gets NOT_FOUND, exactly like a device that does not exist", async () => {
      const device = await register(team.admin, { plan: 'ADVANCED' });
      const byRival = await server.gql(
        CHANGE_PLAN,
        { deviceId: device.id, plan: 'BASIC' },
        { token: rival.admin.token },
      );
      const missing = await server.gql(
        CHANGE_PLAN,
        { deviceId: randomUUID(), plan: 'BASIC' },
        { token: rival.admin.token },
      );
      expect(errorCodes(byRival)).toEqual(['NOT_FOUND']);
      expect(byRival.errors).toEqual(missing.errors);
      expect((await deviceAsAdmin(device.id)).plan).toBe('ADVANCED');
    });
  });

  describe('deleteDevice', () => {
    it('only ADMINs delete: OPERATOR and VIEWER get FORBIDDEN and the device stays', async () => {
      const device = await register(team.admin);
      for (const member of [team.operator, team.viewer]) {
        const response = await server.gql(DELETE, { deviceId: device.id }, { token: member.token });
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data).toBeNull();
      }
      expect((await deviceAsAdmin(device.id)).id).toBe(device.id);
    });

    it("another enterprise's ADMIN gets NOT_FOUND, exactly like a device that does not exist", async () => {
      const device = await register(team.admin);
      const byRival = await server.gql(DELETE, { deviceId: device.id }, { token: rival.admin.token });
      const missing = await server.gql(DELETE, { deviceId: randomUUID() }, { token: rival.admin.token });
      expect(errorCodes(byRival)).toEqual(['NOT_FOUND']);
      expect(byRival.errors).toEqual(missing.errors);
      expect((await deviceAsAdmin(device.id)).id).toBe(device.id);
    });

    it('an ADMIN deletes a device: it answers the id, and afterwards device(id) is NOT_FOUND for every member', async () => {
      const device = await register(team.admin);
      const deleted = await server.gql(DELETE, { deviceId: device.id }, { token: team.admin.token });
      expect(errorCodes(deleted)).toEqual([]);
      expect(deleted.data).toEqual({ deleteDevice: device.id });
      const missing = await readDevice(team.admin, randomUUID());
      for (const member of [team.admin, team.operator, team.viewer]) {
        const response = await readDevice(member, device.id);
        expect(errorCodes(response)).toEqual(['NOT_FOUND']);
        expect(response.data).toBeNull();
        expect(response.errors).toEqual(missing.errors);
      }
      expect(ids(await listDevices(team.viewer, { first: 500 }))).not.toContain(device.id);
      for (const [mutation, variables] of [
        [DELETE, { deviceId: device.id }],
        [MOVE, { deviceId: device.id, groupId: null }],
        [CHANGE_PLAN, { deviceId: device.id, plan: 'BASIC' }],
      ] as const) {
        expect(errorCodes(await server.gql(mutation, variables, { token: team.admin.token }))).toEqual(['NOT_FOUND']);
      }
    });
  });

  describe('who sees what (SPEC §4)', () => {
    it('device(id) of another enterprise answers NOT_FOUND, exactly like a random valid UUID', async () => {
      const device = await register(team.admin);
      const foreign = await readDevice(rival.admin, device.id);
      const missing = await readDevice(rival.admin, randomUUID());
      expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
      expect(foreign.data).toBeNull();
      expect(foreign.errors).toEqual(missing.errors);
      expect(JSON.stringify(foreign)).not.toContain(device.serialNumber);
    });

    it('a VIEWER reads name, serialNumber, status and the rest, but configuration answers null with FORBIDDEN at its path', async () => {
      const groupId = await createGroup(team.admin, 'Viewer reads');
      const device = await register(team.admin, { firmwareVersion: '1.2.3', groupId });
      const response = await readDevice(team.viewer, device.id);
      expect(response.data!.device).toEqual({ ...device, configuration: null });
      expect(response.data!.device).toMatchObject({
        name: 'Rack UPS',
        model: 'Smart-UPS 1500',
        serialNumber: device.serialNumber,
        plan: 'STANDARD',
        status: 'UNKNOWN',
        online: false,
        firmwareVersion: '1.2.3',
        telemetry: {},
        group: { id: groupId },
        registeredBy: { id: team.admin.account.id },
      });
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]).toMatchObject({
        path: ['device', 'configuration'],
        extensions: { code: 'FORBIDDEN' },
      });
    });

    it('a VIEWER listing devices gets null configurations with FORBIDDEN at each path, and every other field', async () => {
      const groupId = await createGroup(team.admin, 'Viewer lists');
      const listed = [await register(team.admin, { groupId }), await register(team.admin, { groupId })];
      const response = await server.gql<{ devices: { edges: { node: DeviceView }[] } }>(
        `query ($groupId: ID) { devices(groupId: $groupId) { edges { node { ${DEVICE_FIELDS} } } } }`,
        { groupId },
        { token: team.viewer.token },
      );
      expect(nodes(response.data!.devices)).toEqual(listed.map((device) => ({ ...device, configuration: null })));
      expect(response.errors!.map((error) => [error.path, error.extensions?.code])).toEqual([
        [['devices', 'edges', 0, 'node', 'configuration'], 'FORBIDDEN'],
        [['devices', 'edges', 1, 'node', 'configuration'], 'FORBIDDEN'],
      ]);
    });

    it('ADMINs and OPERATORs read the configuration', async () => {
      const device = await register(team.admin);
      const configuration = { mode: 'eco', thresholds: { battery: 42 } };
      const updated = await server.gql(
        UPDATE_CONFIGURATION,
        { deviceId: device.id, configuration },
        { token: team.admin.token },
      );
      expect(errorCodes(updated)).toEqual([]);
      for (const reader of [team.admin, team.operator]) {
        const response = await readDevice(reader, device.id);
        expect(errorCodes(response)).toEqual([]);
        expect(response.data!.device).toEqual({ ...device, configuration });
      }
      const byViewer = await readDevice(team.viewer, device.id);
      expect(byViewer.data!.device.configuration).toBeNull();
      expect(JSON.stringify(byViewer)).not.toContain('eco');
    });

    it('anonymous callers get UNAUTHENTICATED', async () => {
      const device = await register(team.admin);
      const response = await server.gql(DEVICE, { id: device.id });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(response)).not.toContain(device.serialNumber);
    });
  });

  describe('devices connection', () => {
    /** An enterprise of its own, so that the test knows every device in it. */
    let fleet: Team;
    beforeAll(async () => {
      fleet = await makeTeam('Fleet');
    });

    it('lists the acting enterprise by default, in registration order, for every role', async () => {
      const registered: string[] = [];
      for (let i = 0; i < 4; i++) registered.push((await register(fleet.admin)).id);
      for (const member of [fleet.admin, fleet.operator, fleet.viewer]) {
        expect(ids(await listDevices(member))).toEqual(registered);
        expect(ids(await listDevices(member, { enterpriseId: fleet.enterpriseId }))).toEqual(registered);
      }
      const page = await listDevices(fleet.viewer);
      expect(page.pageInfo).toEqual({
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: page.edges[0].cursor,
        endCursor: page.edges.at(-1)!.cursor,
      });
    });

    it('pages with first/after visit every device once, in registration order, even when devices are registered between pages', async () => {
      const registered = ids(await listDevices(fleet.admin, { first: 500 }));
      for (let i = 0; i < 7; i++) registered.push((await register(fleet.admin)).id);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await listDevices(fleet.viewer, { first: 3, after });
        pages++;
        expect(page.edges.length).toBeLessThanOrEqual(3);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
        seen.push(...ids(page));
        // Registered while the client is paging: here and in another enterprise.
        if (pages <= 3) {
          registered.push((await register(fleet.admin)).id);
          await register(rival.admin);
        }
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
        expect(pages).toBeLessThan(20);
      }
      expect(seen).toEqual(registered);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('a device deleted between pages does not make the next page skip or repeat any device', async () => {
      const before = ids(await listDevices(fleet.admin, { first: 500 }));
      const first = await listDevices(fleet.viewer, { first: 2 });
      expect(ids(first)).toEqual(before.slice(0, 2));
      const lastSeen = first.edges[1].node.id;
      expect(errorCodes(await server.gql(DELETE, { deviceId: lastSeen }, { token: fleet.admin.token }))).toEqual([]);
      const rest = await listDevices(fleet.viewer, { first: 500, after: first.pageInfo.endCursor });
      expect(ids(rest)).toEqual(before.slice(2));
    });

    it('groupId lists the devices of that group only; includeSubgroups adds its whole subtree', async () => {
      const site = await createGroup(fleet.admin, 'Site');
      const room = await createGroup(fleet.admin, 'Room', site);
      const rack = await createGroup(fleet.admin, 'Rack', room);
      const shelf = await createGroup(fleet.admin, 'Shelf', rack);
      const closet = await createGroup(fleet.admin, 'Closet', site);
      const elsewhere = await createGroup(fleet.admin, 'Elsewhere');
      const inRack = await register(fleet.admin, { groupId: rack });
      const inSite = await register(fleet.admin, { groupId: site });
      const inElsewhere = await register(fleet.admin, { groupId: elsewhere });
      const inShelf = await register(fleet.admin, { groupId: shelf });
      const inCloset = await register(fleet.admin, { groupId: closet });
      await register(fleet.admin);
      const inRoom = await register(fleet.admin, { groupId: room });

      expect(ids(await listDevices(fleet.viewer, { groupId: site }))).toEqual([inSite.id]);
      expect(ids(await listDevices(fleet.viewer, { groupId: site, includeSubgroups: false }))).toEqual([inSite.id]);
      expect(ids(await listDevices(fleet.viewer, { groupId: site, includeSubgroups: true }))).toEqual(
        [inRack, inSite, inShelf, inCloset, inRoom].map((device) => device.id),
      );
      expect(ids(await listDevices(fleet.viewer, { groupId: room, includeSubgroups: true }))).toEqual(
        [inRack, inShelf, inRoom].map((device) => device.id),
      );
      expect(ids(await listDevices(fleet.viewer, { groupId: shelf, includeSubgroups: true }))).toEqual([inShelf.id]);
      expect(ids(await listDevices(fleet.viewer, { groupId: elsewhere, includeSubgroups: true }))).toEqual([
        inElsewhere.id,
      ]);

      // A filtered list pages like the whole one.
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await listDevices(fleet.viewer, { groupId: site, includeSubgroups: true, first: 2, after });
        seen.push(...ids(page));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual([inRack, inSite, inShelf, inCloset, inRoom].map((device) => device.id));
    });

    it("another enterprise's enterpriseId answers NOT_FOUND, exactly like one that does not exist", async () => {
      await register(rival.admin);
      for (const member of [fleet.admin, fleet.operator, fleet.viewer]) {
        const foreign = await server.gql(DEVICES, { enterpriseId: rival.enterpriseId }, { token: member.token });
        const missing = await server.gql(DEVICES, { enterpriseId: randomUUID() }, { token: member.token });
        expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
        expect(foreign.data).toBeNull();
        expect(foreign.errors).toEqual(missing.errors);
      }
    });

    it('a groupId of another enterprise answers NOT_FOUND, exactly like one that does not exist', async () => {
      const foreign = await createGroup(rival.admin, 'Hidden rival group');
      await register(rival.admin, { groupId: foreign });
      for (const includeSubgroups of [false, true]) {
        const intoForeign = await server.gql(
          DEVICES,
          { groupId: foreign, includeSubgroups },
          { token: fleet.admin.token },
        );
        const intoMissing = await server.gql(
          DEVICES,
          { groupId: randomUUID(), includeSubgroups },
          { token: fleet.admin.token },
        );
        expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
        expect(intoForeign.errors).toEqual(intoMissing.errors);
      }
    });

    it('first above 500 (or below 0) answers BAD_USER_INPUT; 500 is fine', async () => {
      for (const first of [501, 10_000, -1]) {
        const response = await server.gql(DEVICES, { first }, { token: fleet.admin.token });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
      await listDevices(fleet.admin, { first: 500 });
    });

    it('an after that is not a cursor of this list answers BAD_USER_INPUT', async () => {
      for (const after of [
        'garbage',
        Buffer.from('id:1').toString('base64url'),
        Buffer.from(`share:${randomUUID()}`).toString('base64url'),
        randomUUID(),
      ]) {
        const response = await server.gql(DEVICES, { after }, { token: fleet.admin.token });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });

  describe('event log', () => {
    it('every device action is in the event log with its actor: registered, moved, plan_changed, deleted', async () => {
      const groupId = await createGroup(team.admin, 'Audited');
      const device = await register(team.admin, { plan: 'STANDARD' });
      const expectOk = async (response: Promise<GraphQLResponse>) => expect(errorCodes(await response)).toEqual([]);
      const expectForbidden = async (response: Promise<GraphQLResponse>) =>
        expect(errorCodes(await response)).toEqual(['FORBIDDEN']);

      await expectOk(server.gql(MOVE, { deviceId: device.id, groupId }, { token: team.operator.token }));
      // Refused attempts leave no event.
      await expectForbidden(server.gql(MOVE, { deviceId: device.id, groupId: null }, { token: team.viewer.token }));
      await expectForbidden(
        server.gql(CHANGE_PLAN, { deviceId: device.id, plan: 'BASIC' }, { token: team.operator.token }),
      );
      await expectForbidden(server.gql(DELETE, { deviceId: device.id }, { token: team.operator.token }));
      await expectOk(server.gql(CHANGE_PLAN, { deviceId: device.id, plan: 'ADVANCED' }, { token: team.admin.token }));
      await expectOk(server.gql(DELETE, { deviceId: device.id }, { token: team.admin.token }));

      const events = await auditLog(team.admin, { enterpriseId: team.enterpriseId, deviceId: device.id });
      const about = { enterpriseId: team.enterpriseId, targetType: 'Device', targetId: device.id };
      expect(events).toEqual([
        {
          ...about,
          action: 'device.deleted',
          actor: { id: team.admin.account.id },
          details: { serialNumber: device.serialNumber, name: device.name },
        },
        {
          ...about,
          action: 'device.plan_changed',
          actor: { id: team.admin.account.id },
          details: { from: 'STANDARD', to: 'ADVANCED' },
        },
        {
          ...about,
          action: 'device.moved',
          actor: { id: team.operator.account.id },
          details: { from: null, to: groupId },
        },
        {
          ...about,
          action: 'device.registered',
          actor: { id: team.admin.account.id },
          details: { serialNumber: device.serialNumber, plan: 'STANDARD', isDemo: false, groupId: null },
        },
      ]);
    });

    it('creating a device group is in the event log with its actor', async () => {
      const parent = await createGroup(team.admin, 'Audited parent');
      const child = await createGroup(team.admin, '  Audited child ', parent);
      const grandchild = await createGroup(team.admin, 'Audited grandchild', child);
      const expected = (targetId: string, name: string, parentId: string | null) => [
        {
          action: 'device_group.created',
          enterpriseId: team.enterpriseId,
          targetType: 'DeviceGroup',
          targetId,
          details: { name, parentId },
          actor: { id: team.admin.account.id },
        },
      ];
      expect(await auditLog(team.admin, { enterpriseId: team.enterpriseId, deviceId: parent })).toEqual(
        expected(parent, 'Audited parent', null),
      );
      expect(await auditLog(team.admin, { enterpriseId: team.enterpriseId, deviceId: child })).toEqual(
        expected(child, 'Audited child', parent),
      );
      expect(await auditLog(team.admin, { enterpriseId: team.enterpriseId, deviceId: grandchild })).toEqual(
        expected(grandchild, 'Audited grandchild', child),
      );
      const whole = await auditLog(team.admin, { enterpriseId: team.enterpriseId });
      expect(whole.slice(0, 3).map((event) => [event.action, event.targetId])).toEqual([
        ['device_group.created', grandchild],
        ['device_group.created', child],
        ['device_group.created', parent],
      ]);
    });

    it('refused group creations leave no event', async () => {
      const before = await auditLog(team.admin, { enterpriseId: team.enterpriseId });
      for (const member of [team.operator, team.viewer]) {
        const response = await server.gql(CREATE_GROUP, { input: { name: 'Refused' } }, { token: member.token });
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      }
      expect(await auditLog(team.admin, { enterpriseId: team.enterpriseId })).toEqual(before);
    });
  });
});
