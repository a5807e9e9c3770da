import { randomUUID } from 'node:crypto';
import {
  errorCodes,
  nodes,
  startTestServer,
  type GraphQLResponse,
  type Session,
  type TestServer,
} from '../../support/test-server';
import { World } from '../../support/world';

/*
 * The shared world of the device inventory specs (SPEC §1, §3-§5): an enterprise with an ADMIN,
 * an OPERATOR and a VIEWER, a rival enterprise, and the documents and helpers the specs of this
 * folder send. Each spec file gets a server and a world of its own (`useInventory`).
 */

export const DEVICE_FIELDS = `id name model serialNumber plan isDemo firmwareVersion status online lastSeenAt telemetry
  configuration createdAt group { id } registeredBy { id } enterprise { id }`;
export const REGISTER = `mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { ${DEVICE_FIELDS} } }`;
export const CREATE_GROUP = `mutation ($input: CreateDeviceGroupInput!) {
  createDeviceGroup(input: $input) { id name parent { id name } children { edges { node { id } } } }
}`;
export const MOVE = `mutation ($deviceId: ID!, $groupId: ID) { moveDevice(deviceId: $deviceId, groupId: $groupId) { id group { id } } }`;
export const CHANGE_PLAN = `mutation ($deviceId: ID!, $plan: DevicePlan!) { changeDevicePlan(deviceId: $deviceId, plan: $plan) { id plan } }`;
export const DELETE = `mutation ($deviceId: ID!) { deleteDevice(deviceId: $deviceId) }`;
export const DEVICE = `query ($id: ID!) { device(id: $id) { ${DEVICE_FIELDS} } }`;
export const DEVICES = `query ($enterpriseId: ID, $groupId: ID, $includeSubgroups: Boolean! = false, $first: Int! = 50, $after: String) {
  devices(enterpriseId: $enterpriseId, groupId: $groupId, includeSubgroups: $includeSubgroups, first: $first, after: $after) {
    edges { cursor node { id serialNumber } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
export const GROUPS = `query ($id: ID!) {
  enterprise(id: $id) {
    groups(first: 100) { edges { node { id name parent { id } children(first: 20) { edges { node { id name } } } } } }
  }
}`;
export const AUDIT_LOG = `query ($enterpriseId: ID, $deviceId: ID) {
  auditLog(enterpriseId: $enterpriseId, deviceId: $deviceId, first: 500) {
    edges { node { action enterpriseId targetType targetId details actor { id } } }
  }
}`;
export const UPDATE_CONFIGURATION = `mutation ($deviceId: ID!, $configuration: JSONObject!) {
  updateDeviceConfiguration(deviceId: $deviceId, configuration: $configuration) { id }
}`;

export interface Team {
  enterpriseId: string;
  admin: Session;
  operator: Session;
  viewer: Session;
}

export interface DeviceView {
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

export interface DevicePage {
  edges: { cursor: string; node: { id: string; serialNumber: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface GroupNode {
  id: string;
  name: string;
  parent: { id: string } | null;
  children: { edges: { node: { id: string; name: string } }[] };
}

export interface AuditNode {
  action: string;
  enterpriseId: string | null;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  actor: { id: string } | null;
}

let serials = 0;
/** A serial number no other test uses (valid: letters, digits and "-"). */
export const nextSerial = () => `SN-${++serials}-${randomUUID().slice(0, 8)}`.toUpperCase();

export const ids = (connection: { edges: { node: { id: string } }[] } | null | undefined) =>
  nodes(connection).map((node) => node.id);

/**
 * Starts a server for the enclosing describe block (beforeAll, closed in afterAll) with `team`
 * (ADMIN, OPERATOR and VIEWER of one enterprise) and `rival` (the ADMIN of a second one). Read
 * `server`, `team` and `rival` in tests or later hooks; the helpers may be destructured at once.
 */
export function useInventory() {
  const state = {} as { server: TestServer; team: Team; rival: { enterpriseId: string; admin: Session } };

  async function createEnterprise(admin: Session, name: string): Promise<string> {
    return new World(state.server).enterprise(admin, name);
  }

  async function makeTeam(name: string): Promise<Team> {
    const { enterpriseId, admin, operator, viewer } = await new World(state.server).team(name, {
      operator: true,
      viewer: true,
    });
    return { enterpriseId, admin, operator: operator!, viewer: viewer! };
  }

  /** Registers a device as `owner` (its only enterprise); fails the test on any error. */
  async function register(owner: Session, input: Record<string, unknown> = {}): Promise<DeviceView> {
    const response = await state.server.gql<{ registerDevice: DeviceView }>(
      REGISTER,
      { input: { serialNumber: nextSerial(), name: 'Rack UPS', model: 'Smart-UPS 1500', plan: 'STANDARD', ...input } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.registerDevice;
  }

  /** Creates a group as `owner`; fails the test on any error. */
  async function createGroup(owner: Session, name: string, parentId?: string): Promise<string> {
    const response = await state.server.gql<{ createDeviceGroup: { id: string } }>(
      CREATE_GROUP,
      { input: { name, parentId } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.createDeviceGroup.id;
  }

  function readDevice(reader: Session, id: string): Promise<GraphQLResponse<{ device: DeviceView }>> {
    return state.server.gql<{ device: DeviceView }>(DEVICE, { id }, { token: reader.token });
  }

  /** The device as its ADMIN sees it (all fields readable). */
  async function deviceAsAdmin(id: string): Promise<DeviceView> {
    const response = await readDevice(state.team.admin, id);
    expect(errorCodes(response)).toEqual([]);
    return response.data!.device;
  }

  async function listDevices(reader: Session, variables: Record<string, unknown> = {}): Promise<DevicePage> {
    const response = await state.server.gql<{ devices: DevicePage }>(DEVICES, variables, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.devices;
  }

  async function groupsOf(reader: Session, enterpriseId: string): Promise<GroupNode[]> {
    const response = await state.server.gql<{ enterprise: { groups: { edges: { node: GroupNode }[] } } }>(
      GROUPS,
      { id: enterpriseId },
      { token: reader.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return nodes(response.data!.enterprise.groups);
  }

  async function auditLog(reader: Session, variables: Record<string, unknown>): Promise<AuditNode[]> {
    const response = await state.server.gql<{ auditLog: { edges: { node: AuditNode }[] } }>(AUDIT_LOG, variables, {
      token: reader.token,
    });
    expect(errorCodes(response)).toEqual([]);
    return nodes(response.data!.auditLog);
  }

  /** Every device with this serial number, in the team's and the rival's inventories. */
  async function devicesWithSerial(serialNumber: string): Promise<string[]> {
    const [ours, theirs] = await Promise.all([
      listDevices(state.team.admin, { first: 500 }),
      listDevices(state.rival.admin, { first: 500 }),
    ]);
    return [...ours.edges, ...theirs.edges]
      .filter((edge) => edge.node.serialNumber === serialNumber)
      .map((edge) => edge.node.id);
  }

  beforeAll(async () => {
    state.server = await startTestServer();
    state.team = await makeTeam('Acme');
    const rivalAdmin = await state.server.signUp('Rival admin');
    state.rival = { enterpriseId: await createEnterprise(rivalAdmin, 'Rival'), admin: rivalAdmin };
  });
  afterAll(() => state.server.close());

  return Object.assign(state, {
    createEnterprise,
    makeTeam,
    register,
    createGroup,
    readDevice,
    deviceAsAdmin,
    listDevices,
    groupsOf,
    auditLog,
    devicesWithSerial,
  });
}
