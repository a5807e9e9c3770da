import { randomUUID } from 'node:crypto';
import { errorCodes, startTestServer, type Session, type TestServer, nodes } from '../support/test-server';

const REGISTER = `mutation ($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { id serialNumber name model plan isDemo group { id } registeredBy { id } }
}`;
const CREATE_GROUP = `mutation ($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { id name parent { id } } }`;
const MOVE = `mutation ($deviceId: ID!, $groupId: ID) { moveDevice(deviceId: $deviceId, groupId: $groupId) { id group { id } } }`;
const CHANGE_PLAN = `mutation ($deviceId: ID!, $plan: DevicePlan!) { changeDevicePlan(deviceId: $deviceId, plan: $plan) { id plan } }`;
const DELETE = `mutation ($deviceId: ID!) { deleteDevice(deviceId: $deviceId) }`;
const DEVICE = `query ($id: ID!) { device(id: $id) { id name serialNumber plan status online firmwareVersion telemetry configuration } }`;
const DEVICES = `query ($enterpriseId: ID, $groupId: ID, $includeSubgroups: Boolean, $first: Int, $after: String) {
  devices(enterpriseId: $enterpriseId, groupId: $groupId, includeSubgroups: $includeSubgroups, first: $first, after: $after) {
    edges { cursor node { id serialNumber } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Team {
  enterpriseId: string;
  admin: Session;
  operator: Session;
  viewer: Session;
}

let serials = 0;
const nextSerial = () => `SN-${++serials}-${randomUUID().slice(0, 8)}`;

describe('device inventory', () => {
  let server: TestServer;
  let team: Team;
  let rival: Team;

  async function makeTeam(name: string): Promise<Team> {
    const admin = await server.signUp(`${name} admin`);
    const created = await server.gql<{ createEnterprise: { id: string } }>(
      `mutation ($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id } }`,
      { input: { name, dataCenter: 'EU' } },
      { token: admin.token },
    );
    const enterpriseId = created.data!.createEnterprise.id;
    const [operator, viewer] = [await server.signUp(`${name} operator`), await server.signUp(`${name} viewer`)];
    for (const [member, role] of [
      [operator, 'OPERATOR'],
      [viewer, 'VIEWER'],
    ] as const) {
      await server.gql(
        `mutation ($input: AddMemberInput!) { addMember(input: $input) { role } }`,
        { input: { enterpriseId, email: member.account.email, role } },
        { token: admin.token },
      );
    }
    return { enterpriseId, admin, operator, viewer };
  }

  async function register(owner: Session, input: Record<string, unknown> = {}) {
    const response = await server.gql<{ registerDevice: { id: string; serialNumber: string } }>(
      REGISTER,
      { input: { serialNumber: nextSerial(), name: 'Rack UPS', model: 'Smart-UPS 1500', plan: 'STANDARD', ...input } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.registerDevice;
  }

  async function group(owner: Session, name: string, parentId?: string) {
    const response = await server.gql<{ createDeviceGroup: { id: string } }>(
      CREATE_GROUP,
      { input: { name, parentId } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.createDeviceGroup.id;
  }

  beforeAll(async () => {
    server = await startTestServer();
    team = await makeTeam('Acme');
    rival = await makeTeam('Rival');
  });
  afterAll(() => server.close());

  describe('createDeviceGroup', () => {
    it('builds a tree: groups with parents, seen as parent/children and in Enterprise.groups', async () => {
      const root = await group(team.admin, 'Building A');
      const child = await group(team.admin, 'Floor 1', root);
      const response = await server.gql<{
        enterprise: {
          groups: {
            edges: {
              node: {
                id: string;
                name: string;
                parent: { id: string } | null;
                children: { edges: { node: { id: string } }[] };
              };
            }[];
          };
        };
      }>(
        `query ($id: ID!) { enterprise(id: $id) { groups { edges { node { id name parent { id } children { edges { node { id } } } } } } } }`,
        { id: team.enterpriseId },
        { token: team.viewer.token },
      );
      const groups = nodes(response.data!.enterprise.groups).map((group) => ({
        ...group,
        children: nodes(group.children),
      }));
      expect(groups.find((g) => g.id === root)).toMatchObject({
        name: 'Building A',
        parent: null,
        children: [{ id: child }],
      });
      expect(groups.find((g) => g.id === child)).toMatchObject({ name: 'Floor 1', parent: { id: root }, children: [] });
    });

    it('a sibling with the same name (any case) answers CONFLICT', async () => {
      const root = await group(team.admin, 'Dup parent');
      await group(team.admin, 'Same', root);
      const again = await server.gql(
        CREATE_GROUP,
        { input: { name: 'SAME', parentId: root } },
        { token: team.admin.token },
      );
      expect(errorCodes(again)).toEqual(['CONFLICT']);
      await group(team.admin, 'Same');
    });

    it('a parent from another enterprise answers NOT_FOUND', async () => {
      const foreign = await group(rival.admin, 'Rival group');
      const response = await server.gql(
        CREATE_GROUP,
        { input: { name: 'Sneaky', parentId: foreign } },
        { token: team.admin.token },
      );
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    });

    it('groups nest at most 16 levels deep (BAD_USER_INPUT below that)', async () => {
      let parentId: string | undefined;
      for (let level = 1; level <= 16; level++) parentId = await group(team.admin, `Level ${level}`, parentId);
      const tooDeep = await server.gql(
        CREATE_GROUP,
        { input: { name: 'Level 17', parentId } },
        { token: team.admin.token },
      );
      expect(errorCodes(tooDeep)).toEqual(['BAD_USER_INPUT']);
    });

    it('only ADMINs create groups: OPERATOR and VIEWER get FORBIDDEN', async () => {
      for (const member of [team.operator, team.viewer]) {
        const response = await server.gql(CREATE_GROUP, { input: { name: 'Nope' } }, { token: member.token });
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      }
    });
  });

  describe('registerDevice', () => {
    it.each(['BASIC', 'STANDARD', 'ADVANCED'])('registers a %s device, recording who registered it', async (plan) => {
      const device = await server.gql<{ registerDevice: Record<string, unknown> }>(
        REGISTER,
        { input: { serialNumber: nextSerial(), name: 'UPS', model: 'M', plan } },
        { token: team.admin.token },
      );
      expect(device.data!.registerDevice).toMatchObject({
        plan,
        isDemo: false,
        group: null,
        registeredBy: { id: team.admin.account.id },
      });
    });

    it('registers a demo device into a group', async () => {
      const groupId = await group(team.admin, 'Demo shelf');
      const device = await server.gql<{ registerDevice: Record<string, unknown> }>(
        REGISTER,
        { input: { serialNumber: nextSerial(), name: 'Demo', model: 'M', plan: 'STANDARD', isDemo: true, groupId } },
        { token: team.admin.token },
      );
      expect(device.data!.registerDevice).toMatchObject({ isDemo: true, group: { id: groupId } });
    });

    it('serial numbers are trimmed, upper-cased and unique platform-wide (CONFLICT, whatever the case or enterprise)', async () => {
      const device = await register(team.admin, { serialNumber: '  ab-123.x_9 ' });
      expect(device.serialNumber).toBe('AB-123.X_9');
      for (const owner of [team.admin, rival.admin]) {
        const again = await server.gql(
          REGISTER,
          { input: { serialNumber: 'Ab-123.X_9', name: 'Copy', model: 'M', plan: 'BASIC' } },
          { token: owner.token },
        );
        expect(errorCodes(again)).toEqual(['CONFLICT']);
      }
    });

    it('concurrent registrations of one serial number create exactly one device', async () => {
      const serialNumber = nextSerial();
      const attempts = await Promise.all(
        [team.admin, rival.admin, team.admin, rival.admin].map((owner) =>
          server.gql(
            REGISTER,
            { input: { serialNumber, name: 'Race', model: 'M', plan: 'BASIC' } },
            { token: owner.token },
          ),
        ),
      );
      const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    });

    it('only ADMINs register: OPERATOR and VIEWER get FORBIDDEN', async () => {
      for (const member of [team.operator, team.viewer]) {
        const response = await server.gql(
          REGISTER,
          { input: { serialNumber: nextSerial(), name: 'UPS', model: 'M', plan: 'BASIC' } },
          { token: member.token },
        );
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      }
    });

    it('a group of another enterprise answers NOT_FOUND', async () => {
      const foreign = await group(rival.admin, 'Rival shelf');
      const response = await server.gql(
        REGISTER,
        { input: { serialNumber: nextSerial(), name: 'UPS', model: 'M', plan: 'BASIC', groupId: foreign } },
        { token: team.admin.token },
      );
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    });
  });

  describe('moveDevice', () => {
    it('ADMINs and OPERATORs move a device into a group and back to the top level', async () => {
      const device = await register(team.admin);
      const groupId = await group(team.admin, `Move target ${device.id}`);
      for (const mover of [team.admin, team.operator]) {
        const moved = await server.gql<{ moveDevice: { group: { id: string } | null } }>(
          MOVE,
          { deviceId: device.id, groupId },
          { token: mover.token },
        );
        expect(moved.data!.moveDevice.group).toEqual({ id: groupId });
        const back = await server.gql<{ moveDevice: { group: null } }>(
          MOVE,
          { deviceId: device.id, groupId: null },
          { token: mover.token },
        );
        expect(back.data!.moveDevice.group).toBeNull();
      }
    });

    it('a VIEWER gets FORBIDDEN', async () => {
      const device = await register(team.admin);
      expect(errorCodes(await server.gql(MOVE, { deviceId: device.id }, { token: team.viewer.token }))).toEqual([
        'FORBIDDEN',
      ]);
    });

    it('a group of another enterprise answers NOT_FOUND, and another enterprise cannot move the device', async () => {
      const device = await register(team.admin);
      const foreign = await group(rival.admin, `Foreign ${device.id}`);
      const intoForeign = await server.gql(
        MOVE,
        { deviceId: device.id, groupId: foreign },
        { token: team.admin.token },
      );
      expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
      const byRival = await server.gql(MOVE, { deviceId: device.id, groupId: foreign }, { token: rival.admin.token });
      expect(errorCodes(byRival)).toEqual(['NOT_FOUND']);
    });
  });

  describe('changeDevicePlan and deleteDevice', () => {
    it('an ADMIN changes the plan; an OPERATOR gets FORBIDDEN', async () => {
      const device = await register(team.admin, { plan: 'STANDARD' });
      const byOperator = await server.gql(
        CHANGE_PLAN,
        { deviceId: device.id, plan: 'BASIC' },
        { token: team.operator.token },
      );
      expect(errorCodes(byOperator)).toEqual(['FORBIDDEN']);
      const byAdmin = await server.gql<{ changeDevicePlan: { plan: string } }>(
        CHANGE_PLAN,
        { deviceId: device.id, plan: 'ADVANCED' },
        { token: team.admin.token },
      );
      expect(byAdmin.data!.changeDevicePlan.plan).toBe('ADVANCED');
    });

    it('only ADMINs of the owner delete; afterwards the device is NOT_FOUND', async () => {
      const device = await register(team.admin);
      for (const other of [team.operator, team.viewer]) {
        expect(errorCodes(await server.gql(DELETE, { deviceId: device.id }, { token: other.token }))).toEqual([
          'FORBIDDEN',
        ]);
      }
      expect(errorCodes(await server.gql(DELETE, { deviceId: device.id }, { token: rival.admin.token }))).toEqual([
        'NOT_FOUND',
      ]);
      const deleted = await server.gql(DELETE, { deviceId: device.id }, { token: team.admin.token });
      expect(deleted.data).toEqual({ deleteDevice: device.id });
      expect(errorCodes(await server.gql(DEVICE, { id: device.id }, { token: team.admin.token }))).toEqual([
        'NOT_FOUND',
      ]);
    });
  });

  describe('who sees what (SPEC §4)', () => {
    it("another enterprise's device answers NOT_FOUND, exactly like an id that does not exist", async () => {
      const device = await register(team.admin);
      const foreign = await server.gql(DEVICE, { id: device.id }, { token: rival.admin.token });
      const missing = await server.gql(DEVICE, { id: randomUUID() }, { token: rival.admin.token });
      expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
      expect(foreign.errors![0].message).toBe(missing.errors![0].message);
    });

    it('a VIEWER reads the device but its configuration answers null with FORBIDDEN at that path', async () => {
      const device = await register(team.admin, { firmwareVersion: '1.2.3' });
      const response = await server.gql<{ device: Record<string, unknown> }>(
        DEVICE,
        { id: device.id },
        { token: team.viewer.token },
      );
      expect(response.data!.device).toMatchObject({
        id: device.id,
        serialNumber: device.serialNumber,
        status: 'UNKNOWN',
        online: false,
        firmwareVersion: '1.2.3',
        telemetry: {},
        configuration: null,
      });
      expect(response.errors).toEqual([
        expect.objectContaining({ path: ['device', 'configuration'], extensions: { code: 'FORBIDDEN' } }),
      ]);
    });

    it('ADMINs and OPERATORs read the configuration', async () => {
      const device = await register(team.admin);
      for (const reader of [team.admin, team.operator]) {
        const response = await server.gql<{ device: { configuration: unknown } }>(
          DEVICE,
          { id: device.id },
          { token: reader.token },
        );
        expect(errorCodes(response)).toEqual([]);
        expect(response.data!.device.configuration).toEqual({});
      }
    });

    it('anonymous callers get UNAUTHENTICATED', async () => {
      const device = await register(team.admin);
      expect(errorCodes(await server.gql(DEVICE, { id: device.id }))).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('devices connection', () => {
    let paging: Team;
    beforeAll(async () => {
      paging = await makeTeam('Paging');
    });

    async function page(token: string, variables: Record<string, unknown>) {
      const response = await server.gql<{
        devices: {
          edges: { cursor: string; node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }>(DEVICES, variables, { token });
      expect(errorCodes(response)).toEqual([]);
      return response.data!.devices;
    }

    it('pages through every device once, in registration order, even when devices are added between pages', async () => {
      const registered = [];
      for (let i = 0; i < 7; i++) registered.push((await register(paging.admin)).id);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const current = await page(paging.viewer.token, { first: 3, after });
        seen.push(...current.edges.map((edge) => edge.node.id));
        after = current.pageInfo.hasNextPage ? current.pageInfo.endCursor : null;
        if (pages++ === 0) registered.push((await register(paging.admin)).id);
      } while (after);
      expect(seen).toEqual(registered);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('filters by group, with or without its subgroups', async () => {
      const site = await group(paging.admin, 'Site');
      const room = await group(paging.admin, 'Room', site);
      const rack = await group(paging.admin, 'Rack', room);
      const inSite = await register(paging.admin, { groupId: site });
      const inRack = await register(paging.admin, { groupId: rack });
      await register(paging.admin);
      const direct = await page(paging.admin.token, { groupId: site });
      expect(direct.edges.map((edge) => edge.node.id)).toEqual([inSite.id]);
      const subtree = await page(paging.admin.token, { groupId: site, includeSubgroups: true });
      expect(subtree.edges.map((edge) => edge.node.id)).toEqual([inSite.id, inRack.id]);
    });

    it("another enterprise's devices or groups answer NOT_FOUND", async () => {
      const rivalGroup = await group(rival.admin, 'Hidden');
      for (const variables of [{ enterpriseId: rival.enterpriseId }, { groupId: rivalGroup }]) {
        const response = await server.gql(DEVICES, variables, { token: paging.admin.token });
        expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      }
    });

    it('first above 500 and a cursor that is not one answer BAD_USER_INPUT', async () => {
      for (const variables of [
        { first: 501 },
        { after: 'garbage' },
        { after: Buffer.from('id:1').toString('base64url') },
      ]) {
        const response = await server.gql(DEVICES, variables, { token: paging.admin.token });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });

  it('every device action is in the event log, with its actor', async () => {
    const groupId = await group(team.admin, 'Audited');
    const device = await register(team.admin);
    await server.gql(MOVE, { deviceId: device.id, groupId }, { token: team.operator.token });
    await server.gql(CHANGE_PLAN, { deviceId: device.id, plan: 'ADVANCED' }, { token: team.admin.token });
    await server.gql(DELETE, { deviceId: device.id }, { token: team.admin.token });
    const log = await server.gql<{
      auditLog: { edges: { node: { action: string; targetType: string; actor: { id: string } } }[] };
    }>(
      `query ($enterpriseId: ID, $deviceId: ID) {
        auditLog(enterpriseId: $enterpriseId, deviceId: $deviceId) { edges { node { action targetType actor { id } } } }
      }`,
      { enterpriseId: team.enterpriseId, deviceId: device.id },
      { token: team.admin.token },
    );
    expect(log.data!.auditLog.edges.map((edge) => edge.node)).toEqual([
      { action: 'device.deleted', targetType: 'Device', actor: { id: team.admin.account.id } },
      { action: 'device.plan_changed', targetType: 'Device', actor: { id: team.admin.account.id } },
      { action: 'device.moved', targetType: 'Device', actor: { id: team.operator.account.id } },
      { action: 'device.registered', targetType: 'Device', actor: { id: team.admin.account.id } },
    ]);
    const groups = await server.gql<{ auditLog: { edges: { node: { action: string } }[] } }>(
      `query ($enterpriseId: ID, $deviceId: ID) { auditLog(enterpriseId: $enterpriseId, deviceId: $deviceId) { edges { node { action } } } }`,
      { enterpriseId: team.enterpriseId, deviceId: groupId },
      { token: team.admin.token },
    );
    expect(groups.data!.auditLog.edges.map((edge) => edge.node.action)).toEqual(['device_group.created']);
  });
});
