import { randomUUID } from 'node:crypto';
import {
  InventoryChangeDevicePlanDocument,
  InventoryDeleteDeviceDocument,
  InventoryMoveDeviceDocument,
  type DevicePlan,
} from '../../support/graphql/documents.generated';
import { errorCodes, type Session, type TestServer } from '../../support/test-server';
import { ids, useInventory, type Team } from './inventory';

describe('moving, re-planning and deleting devices', () => {
  const inventory = useInventory();
  const { register, createGroup, readDevice, deviceAsAdmin, listDevices } = inventory;
  let server: TestServer;
  let team: Team;
  let rival: { enterpriseId: string; admin: Session };
  beforeAll(() => ({ server, team, rival } = inventory));

  describe('moveDevice', () => {
    it('ADMINs and OPERATORs move a device between groups and to the top level with groupId null', async () => {
      const device = await register(team.admin);
      const first = await createGroup(team.admin, `Move A ${device.id}`);
      const second = await createGroup(team.admin, `Move B ${device.id}`, first);
      for (const mover of [team.admin, team.operator]) {
        const intoFirst = await server.gql(
          InventoryMoveDeviceDocument,
          { deviceId: device.id, groupId: first },
          { token: mover.token },
        );
        expect(errorCodes(intoFirst)).toEqual([]);
        expect(intoFirst.data!.moveDevice).toEqual({ id: device.id, group: { id: first } });
        expect((await deviceAsAdmin(device.id)).group).toEqual({ id: first });

        const intoSecond = await server.gql(
          InventoryMoveDeviceDocument,
          { deviceId: device.id, groupId: second },
          { token: mover.token },
        );
        expect(intoSecond.data!.moveDevice.group).toEqual({ id: second });
        expect((await deviceAsAdmin(device.id)).group).toEqual({ id: second });

        const toTop = await server.gql(
          InventoryMoveDeviceDocument,
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
      await server.gql(
        InventoryMoveDeviceDocument,
        { deviceId: device.id, groupId: to },
        { token: team.operator.token },
      );
      expect(ids(await listDevices(team.viewer, { groupId: from }))).toEqual([]);
      expect(ids(await listDevices(team.viewer, { groupId: to }))).toEqual([device.id]);
    });

    it('a VIEWER gets FORBIDDEN and the device stays where it was', async () => {
      const groupId = await createGroup(team.admin, 'Viewer cannot move here');
      const device = await register(team.admin);
      for (const target of [groupId, null]) {
        const response = await server.gql(
          InventoryMoveDeviceDocument,
          { deviceId: device.id, groupId: target },
          { token: team.viewer.token },
        );
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
        const intoForeign = await server.gql(
          InventoryMoveDeviceDocument,
          { deviceId: device.id, groupId: foreign },
          { token: mover.token },
        );
        const intoMissing = await server.gql(
          InventoryMoveDeviceDocument,
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
      const byRival = await server.gql(
        InventoryMoveDeviceDocument,
        { deviceId: device.id, groupId: foreign },
        { token: rival.admin.token },
      );
      const missing = await server.gql(
        InventoryMoveDeviceDocument,
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
      for (const plan of ['BASIC', 'ADVANCED', 'STANDARD'] satisfies DevicePlan[]) {
        const response = await server.gql(
          InventoryChangeDevicePlanDocument,
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
        const response = await server.gql(
          InventoryChangeDevicePlanDocument,
          { deviceId: device.id, plan: 'BASIC' },
          { token: member.token },
        );
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data).toBeNull();
      }
      expect((await deviceAsAdmin(device.id)).plan).toBe('STANDARD');
    });

    it("another enterprise's ADMIN gets NOT_FOUND, exactly like a device that does not exist", async () => {
      const device = await register(team.admin, { plan: 'ADVANCED' });
      const byRival = await server.gql(
        InventoryChangeDevicePlanDocument,
        { deviceId: device.id, plan: 'BASIC' },
        { token: rival.admin.token },
      );
      const missing = await server.gql(
        InventoryChangeDevicePlanDocument,
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
        const response = await server.gql(
          InventoryDeleteDeviceDocument,
          { deviceId: device.id },
          { token: member.token },
        );
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.data).toBeNull();
      }
      expect((await deviceAsAdmin(device.id)).id).toBe(device.id);
    });

    it("another enterprise's ADMIN gets NOT_FOUND, exactly like a device that does not exist", async () => {
      const device = await register(team.admin);
      const byRival = await server.gql(
        InventoryDeleteDeviceDocument,
        { deviceId: device.id },
        { token: rival.admin.token },
      );
      const missing = await server.gql(
        InventoryDeleteDeviceDocument,
        { deviceId: randomUUID() },
        { token: rival.admin.token },
      );
      expect(errorCodes(byRival)).toEqual(['NOT_FOUND']);
      expect(byRival.errors).toEqual(missing.errors);
      expect((await deviceAsAdmin(device.id)).id).toBe(device.id);
    });

    it('an ADMIN deletes a device: it answers the id, and afterwards device(id) is NOT_FOUND for every member', async () => {
      const device = await register(team.admin);
      const deleted = await server.gql(
        InventoryDeleteDeviceDocument,
        { deviceId: device.id },
        { token: team.admin.token },
      );
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
      const asAdmin = { token: team.admin.token };
      for (const attempt of [
        () => server.gql(InventoryDeleteDeviceDocument, { deviceId: device.id }, asAdmin),
        () => server.gql(InventoryMoveDeviceDocument, { deviceId: device.id, groupId: null }, asAdmin),
        () => server.gql(InventoryChangeDevicePlanDocument, { deviceId: device.id, plan: 'BASIC' }, asAdmin),
      ]) {
        expect(errorCodes(await attempt())).toEqual(['NOT_FOUND']);
      }
    });
  });
});
