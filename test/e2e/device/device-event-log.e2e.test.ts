import {
  InventoryChangeDevicePlanDocument,
  InventoryCreateDeviceGroupDocument,
  InventoryDeleteDeviceDocument,
  InventoryMoveDeviceDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, type GraphQLResponse, type TestServer } from '../../support/test-server';
import { useInventory, type Team } from './inventory';

describe('what device actions leave in the event log', () => {
  const inventory = useInventory();
  const { register, createGroup, auditLog } = inventory;
  let server: TestServer;
  let team: Team;
  beforeAll(() => ({ server, team } = inventory));

  describe('event log', () => {
    it('every device action is in the event log with its actor: registered, moved, plan_changed, deleted', async () => {
      const groupId = await createGroup(team.admin, 'Audited');
      const device = await register(team.admin, { plan: 'STANDARD' });
      const expectOk = async (response: Promise<GraphQLResponse>) => expect(errorCodes(await response)).toEqual([]);
      const expectForbidden = async (response: Promise<GraphQLResponse>) =>
        expect(errorCodes(await response)).toEqual(['FORBIDDEN']);

      await expectOk(
        server.gql(InventoryMoveDeviceDocument, { deviceId: device.id, groupId }, { token: team.operator.token }),
      );
      // Refused attempts leave no event.
      await expectForbidden(
        server.gql(InventoryMoveDeviceDocument, { deviceId: device.id, groupId: null }, { token: team.viewer.token }),
      );
      await expectForbidden(
        server.gql(
          InventoryChangeDevicePlanDocument,
          { deviceId: device.id, plan: 'BASIC' },
          { token: team.operator.token },
        ),
      );
      await expectForbidden(
        server.gql(InventoryDeleteDeviceDocument, { deviceId: device.id }, { token: team.operator.token }),
      );
      await expectOk(
        server.gql(
          InventoryChangeDevicePlanDocument,
          { deviceId: device.id, plan: 'ADVANCED' },
          { token: team.admin.token },
        ),
      );
      await expectOk(server.gql(InventoryDeleteDeviceDocument, { deviceId: device.id }, { token: team.admin.token }));

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
        const response = await server.gql(
          InventoryCreateDeviceGroupDocument,
          { input: { name: 'Refused' } },
          { token: member.token },
        );
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      }
      expect(await auditLog(team.admin, { enterpriseId: team.enterpriseId })).toEqual(before);
    });
  });
});
