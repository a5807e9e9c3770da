import { randomUUID } from 'node:crypto';
import {
  InventoryRegisterDeviceDocument,
  type DevicePlan,
  type RegisterDeviceInput,
} from '../../support/graphql/documents.generated';
import { errorCodes, type Session, type TestServer } from '../../support/test-server';
import { nextSerial, useInventory, type Team } from './inventory';

describe('registering devices', () => {
  const inventory = useInventory();
  const { register, createGroup, deviceAsAdmin, devicesWithSerial } = inventory;
  let server: TestServer;
  let team: Team;
  let rival: { enterpriseId: string; admin: Session };
  beforeAll(() => ({ server, team, rival } = inventory));

  describe('registerDevice', () => {
    it.each<[DevicePlan, boolean]>([
      ['BASIC', false],
      ['BASIC', true],
      ['STANDARD', false],
      ['STANDARD', true],
      ['ADVANCED', false],
      ['ADVANCED', true],
    ])('an ADMIN registers a %s device (isDemo %s), recorded with who registered it', async (plan, isDemo) => {
      const serialNumber = nextSerial();
      const response = await server.gql(
        InventoryRegisterDeviceDocument,
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
          InventoryRegisterDeviceDocument,
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
          server.gql(
            InventoryRegisterDeviceDocument,
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
          InventoryRegisterDeviceDocument,
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
          InventoryRegisterDeviceDocument,
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
          InventoryRegisterDeviceDocument,
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
      const input: RegisterDeviceInput = { serialNumber, name: 'UPS', model: 'M', plan: 'BASIC' };
      const intoForeign = await server.gql(
        InventoryRegisterDeviceDocument,
        { input: { ...input, groupId: foreign } },
        { token: team.admin.token },
      );
      const intoMissing = await server.gql(
        InventoryRegisterDeviceDocument,
        { input: { ...input, groupId: randomUUID() } },
        { token: team.admin.token },
      );
      expect(errorCodes(intoForeign)).toEqual(['NOT_FOUND']);
      expect(intoForeign.errors).toEqual(intoMissing.errors);
      expect(await devicesWithSerial(serialNumber)).toEqual([]);
    });

    it('anonymous callers get UNAUTHENTICATED', async () => {
      const response = await server.gql(InventoryRegisterDeviceDocument, {
        input: { serialNumber: nextSerial(), name: 'UPS', model: 'M', plan: 'BASIC' },
      });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });
  });
});
