import { randomUUID } from 'node:crypto';
import {
  errorCodes,
  nodes,
  startTestServer,
  type GraphQLResponse,
  type Session,
  type TestServer,
} from '../../support/test-server';
import {
  InventoryAuditLogDocument,
  InventoryCreateDeviceGroupDocument,
  InventoryDeviceDocument,
  InventoryDevicesDocument,
  InventoryGroupsDocument,
  InventoryRegisterDeviceDocument,
  type InventoryAuditLogQuery,
  type InventoryAuditLogQueryVariables,
  type InventoryDeviceFieldsFragment,
  type InventoryDeviceQuery,
  type InventoryDevicesQuery,
  type InventoryDevicesQueryVariables,
  type InventoryGroupsQuery,
  type RegisterDeviceInput,
} from '../../support/graphql/documents.generated';
import { World } from '../../support/world';

/*
 * The shared world of the device inventory specs (SPEC §1, §3-§5): an enterprise with an ADMIN,
 * an OPERATOR and a VIEWER, a rival enterprise, and the helpers the specs of this folder use; the
 * documents they send are in inventory.graphql (typed by `npm run codegen:test`). Each spec file
 * gets a server and a world of its own (`useInventory`).
 */

export interface Team {
  enterpriseId: string;
  admin: Session;
  operator: Session;
  viewer: Session;
}

/** A device with every field, as registerDevice and device(id) answer it. */
type DeviceView = InventoryDeviceFieldsFragment;
type GroupNode = NonNullable<InventoryGroupsQuery['enterprise']['groups']>['edges'][number]['node'];
type AuditNode = InventoryAuditLogQuery['auditLog']['edges'][number]['node'];

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
  async function register(owner: Session, input: Partial<RegisterDeviceInput> = {}): Promise<DeviceView> {
    const response = await state.server.gql(
      InventoryRegisterDeviceDocument,
      { input: { serialNumber: nextSerial(), name: 'Rack UPS', model: 'Smart-UPS 1500', plan: 'STANDARD', ...input } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.registerDevice;
  }

  /** Creates a group as `owner`; fails the test on any error. */
  async function createGroup(owner: Session, name: string, parentId?: string): Promise<string> {
    const response = await state.server.gql(
      InventoryCreateDeviceGroupDocument,
      { input: { name, parentId } },
      { token: owner.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.createDeviceGroup.id;
  }

  function readDevice(reader: Session, id: string): Promise<GraphQLResponse<InventoryDeviceQuery>> {
    return state.server.gql(InventoryDeviceDocument, { id }, { token: reader.token });
  }

  /** The device as its ADMIN sees it (all fields readable). */
  async function deviceAsAdmin(id: string): Promise<DeviceView> {
    const response = await readDevice(state.team.admin, id);
    expect(errorCodes(response)).toEqual([]);
    return response.data!.device;
  }

  async function listDevices(
    reader: Session,
    variables: InventoryDevicesQueryVariables = {},
  ): Promise<InventoryDevicesQuery['devices']> {
    const response = await state.server.gql(InventoryDevicesDocument, variables, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.devices;
  }

  async function groupsOf(reader: Session, enterpriseId: string): Promise<GroupNode[]> {
    const response = await state.server.gql(InventoryGroupsDocument, { id: enterpriseId }, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return nodes(response.data!.enterprise.groups);
  }

  async function auditLog(reader: Session, variables: InventoryAuditLogQueryVariables): Promise<AuditNode[]> {
    const response = await state.server.gql(InventoryAuditLogDocument, variables, { token: reader.token });
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
