import { randomUUID } from 'node:crypto';
import {
  InventoryDeviceDocument,
  InventoryDevicesInGroupDocument,
  InventoryUpdateConfigurationDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, nodes, type Session, type TestServer } from '../../support/test-server';
import { useInventory, type Team } from './inventory';

describe('who sees which device field (SPEC §4)', () => {
  const inventory = useInventory();
  const { register, createGroup, readDevice } = inventory;
  let server: TestServer;
  let team: Team;
  let rival: { enterpriseId: string; admin: Session };
  beforeAll(() => ({ server, team, rival } = inventory));

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
      const response = await server.gql(InventoryDevicesInGroupDocument, { groupId }, { token: team.viewer.token });
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
        InventoryUpdateConfigurationDocument,
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
      const response = await server.gql(InventoryDeviceDocument, { id: device.id });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(response)).not.toContain(device.serialNumber);
    });
  });
});
