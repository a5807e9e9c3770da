import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { NotificationPolicyDevice } from '../../../src/modules/notification/notification-policy.entity';
import {
  InventoryAddDeviceToNotificationPolicyDocument,
  InventoryApplyLicenseDocument,
  InventoryAuditLogActionsDocument,
  CancelShareStatusDocument,
  InventoryConfigureAlarmDocument,
  InventoryCreateNotificationPolicyDocument,
  InventoryDeleteDeviceDocument,
  InventoryDeviceConfigurationDocument,
  InventoryDeviceStatusDocument,
  InventoryDowngradeToBasicDocument,
  InventoryGenerateReportDocument,
  InventoryRebootDeviceDocument,
  InventoryRunDiagnosticsDocument,
  InventoryUpgradeFirmwareDocument,
  InventoryUpgradeToStandardDocument,
  type DevicePlan,
  type Permission,
} from '../../support/graphql/documents.generated';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Team } from '../../support/world';

/** Each operation's document (inventory.graphql) takes the device as $id. */
const OPERATIONS: Record<string, { mutation: TypedDocumentNode<unknown, { id: string }>; permission: Permission }> = {
  rebootDevice: { mutation: InventoryRebootDeviceDocument, permission: 'CONTROL' },
  runDiagnostics: { mutation: InventoryRunDiagnosticsDocument, permission: 'CONTROL' },
  upgradeFirmware: { mutation: InventoryUpgradeFirmwareDocument, permission: 'FIRMWARE' },
  updateDeviceConfiguration: { mutation: InventoryConfigureAlarmDocument, permission: 'CONFIGURE' },
  applyLicense: { mutation: InventoryApplyLicenseDocument, permission: 'LICENSE' },
  generateReport: { mutation: InventoryGenerateReportDocument, permission: 'REPORTS' },
};

describe('operating devices', () => {
  let server: TestServer;
  let world: World;
  let owner: Team;
  let admin: Session;
  let viewer: Session;
  let enterpriseId: string;

  const device = (plan: DevicePlan = 'STANDARD') => world.device(owner, { plan });

  /** A recipient who accepted a share of `deviceId` with `permissions` into an enterprise of theirs. */
  async function recipientOf(deviceId: string, permissions: Permission[]) {
    const person = await world.person('Recipient');
    const invitation = await world.share(owner, person, [deviceId], { permissions });
    await world.accept(person, invitation);
    return { ...person, shareId: invitation.shareId };
  }

  beforeAll(async () => {
    server = await startTestServer();
    world = new World(server);
    owner = await world.team('Owner Inc', { viewer: true });
    ({ admin, enterpriseId } = owner);
    viewer = owner.viewer!;
  });
  afterAll(() => server.close());

  it.each(Object.entries(OPERATIONS))('%s: the owner queues a command record', async (_name, { mutation }) => {
    const response = await server.gql(
      mutation,
      { id: await device() },
      {
        token: admin.token,
      },
    );
    expect(errorCodes(response)).toEqual([]);
  });

  it.each(Object.entries(OPERATIONS))(
    '%s: a recipient needs its permission, and gets FORBIDDEN without it',
    async (_name, { mutation, permission }) => {
      const deviceId = await device();
      const allowed = await recipientOf(deviceId, [permission]);
      expect(errorCodes(await server.gql(mutation, { id: deviceId }, { token: allowed.token }))).toEqual([]);
      const other = Object.values(OPERATIONS).find((op) => op.permission !== permission)!.permission;
      const denied = await recipientOf(deviceId, [other]);
      const refused = await server.gql(mutation, { id: deviceId }, { token: denied.token });
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors![0].message).toBe(`Your share of this device does not grant ${permission}`);
    },
  );

  it('a VIEWER of the owner does not operate (FORBIDDEN); a stranger does not see the device (NOT_FOUND)', async () => {
    const deviceId = await device();
    const stranger = await server.signUp();
    expect(
      errorCodes(await server.gql(OPERATIONS.rebootDevice.mutation, { id: deviceId }, { token: viewer.token })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await server.gql(OPERATIONS.rebootDevice.mutation, { id: deviceId }, { token: stranger.token })),
    ).toEqual(['NOT_FOUND']);
  });

  it('on BASIC, remote control is lost for the recipient while monitoring and reports stay; the share stays', async () => {
    const deviceId = await device('ADVANCED');
    const recipient = await recipientOf(deviceId, ['MONITOR', 'CONTROL', 'REPORTS']);
    await server.gql(
      InventoryDowngradeToBasicDocument,
      { id: deviceId },
      {
        token: admin.token,
      },
    );
    const reboot = await server.gql(OPERATIONS.rebootDevice.mutation, { id: deviceId }, { token: recipient.token });
    expect(errorCodes(reboot)).toEqual(['FORBIDDEN']);
    expect(reboot.errors![0].message).toBe('CONTROL is not available on the BASIC plan');
    expect(
      errorCodes(await server.gql(OPERATIONS.generateReport.mutation, { id: deviceId }, { token: recipient.token })),
    ).toEqual([]);
    const status = await server.gql(
      InventoryDeviceStatusDocument,
      { id: deviceId },
      {
        token: recipient.token,
      },
    );
    expect(errorCodes(status)).toEqual([]);
    await server.gql(
      InventoryUpgradeToStandardDocument,
      { id: deviceId },
      {
        token: admin.token,
      },
    );
    expect(
      errorCodes(await server.gql(OPERATIONS.rebootDevice.mutation, { id: deviceId }, { token: recipient.token })),
    ).toEqual([]);
  });

  it("a recipient's configuration change reaches the device, and every operation is in the owner's event log", async () => {
    const deviceId = await device();
    const recipient = await recipientOf(deviceId, ['CONFIGURE', 'CONTROL']);
    await server.gql(OPERATIONS.updateDeviceConfiguration.mutation, { id: deviceId }, { token: recipient.token });
    await server.gql(OPERATIONS.rebootDevice.mutation, { id: deviceId }, { token: recipient.token });
    const seen = await server.gql(InventoryDeviceConfigurationDocument, { id: deviceId }, { token: admin.token });
    expect(seen.data!.device.configuration).toEqual({ alarm: true });
    const log = await server.gql(
      InventoryAuditLogActionsDocument,
      { e: enterpriseId, d: deviceId },
      { token: admin.token },
    );
    expect(log.data!.auditLog.edges.map((edge) => edge.node)).toEqual([
      { action: 'device.reboot', actor: { id: recipient.account.id } },
      { action: 'device.configuration_update', actor: { id: recipient.account.id } },
      // The share that brought the device to the recipient is about the device too.
      { action: 'share.accepted', actor: { id: recipient.account.id } },
      { action: 'share.created', actor: { id: admin.account.id } },
      { action: 'device.registered', actor: { id: admin.account.id } },
    ]);
    const commands = await server.app.db.dataSource.query(
      `SELECT kind, status FROM device_command WHERE "deviceId" = '${deviceId}' ORDER BY id`,
    );
    expect(commands).toEqual([
      { kind: 'CONFIGURATION_UPDATE', status: 'QUEUED' },
      { kind: 'REBOOT', status: 'QUEUED' },
    ]);
  });

  it('once the share is cancelled, the recipient can no longer operate the device (NOT_FOUND)', async () => {
    const deviceId = await device();
    const recipient = await recipientOf(deviceId, ['CONTROL']);
    await server.gql(
      CancelShareStatusDocument,
      { id: recipient.shareId },
      {
        token: admin.token,
      },
    );
    expect(
      errorCodes(await server.gql(OPERATIONS.rebootDevice.mutation, { id: deviceId }, { token: recipient.token })),
    ).toEqual(['NOT_FOUND']);
  });

  describe('notification policies', () => {
    it('a recipient with NOTIFICATIONS adds the shared device to its own policy; without it, FORBIDDEN', async () => {
      const deviceId = await device();
      const allowed = await recipientOf(deviceId, ['NOTIFICATIONS']);
      const policy = await server.gql(
        InventoryCreateNotificationPolicyDocument,
        { name: 'Night alarms' },
        {
          token: allowed.token,
        },
      );
      const added = await server.gql(
        InventoryAddDeviceToNotificationPolicyDocument,
        { policy: policy.data!.createNotificationPolicy.id, device: deviceId },
        { token: allowed.token },
      );
      expect(added.data!.addDeviceToNotificationPolicy.deviceIds).toEqual([deviceId]);
      const again = await server.gql(
        InventoryAddDeviceToNotificationPolicyDocument,
        { policy: policy.data!.createNotificationPolicy.id, device: deviceId },
        {
          token: allowed.token,
        },
      );
      expect(errorCodes(again)).toEqual(['CONFLICT']);

      const denied = await recipientOf(deviceId, ['MONITOR']);
      const own = await server.gql(
        InventoryCreateNotificationPolicyDocument,
        { name: 'Mine' },
        {
          token: denied.token,
        },
      );
      const refused = await server.gql(
        InventoryAddDeviceToNotificationPolicyDocument,
        { policy: own.data!.createNotificationPolicy.id, device: deviceId },
        {
          token: denied.token,
        },
      );
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    });

    it("deleting a device takes it out of every policy, the owner's and the recipients'", async () => {
      const deleted = await device();
      const kept = await device();
      const recipient = await recipientOf(deleted, ['NOTIFICATIONS']);
      const policies = [];
      for (const session of [admin, recipient]) {
        const created = await server.gql(
          InventoryCreateNotificationPolicyDocument,
          { name: 'Watched' },
          { token: session.token },
        );
        const policyId = created.data!.createNotificationPolicy.id;
        expect(
          errorCodes(
            await server.gql(
              InventoryAddDeviceToNotificationPolicyDocument,
              { policy: policyId, device: deleted },
              { token: session.token },
            ),
          ),
        ).toEqual([]);
        policies.push({ session, policyId });
      }
      const removal = await server.gql(InventoryDeleteDeviceDocument, { deviceId: deleted }, { token: admin.token });
      expect(errorCodes(removal)).toEqual([]);

      const ownerPolicy = await server.gql(
        InventoryAddDeviceToNotificationPolicyDocument,
        { policy: policies[0].policyId, device: kept },
        { token: admin.token },
      );
      expect(ownerPolicy.data!.addDeviceToNotificationPolicy.deviceIds).toEqual([kept]);
      const recipientRows = await server.app.db.dataSource
        .getRepository(NotificationPolicyDevice)
        .countBy({ policyId: policies[1].policyId });
      expect(recipientRows).toBe(0);
    });

    it("someone else's policy is NOT_FOUND; a BASIC device cannot join a policy", async () => {
      const basic = await device('BASIC');
      const policy = await server.gql(
        InventoryCreateNotificationPolicyDocument,
        { name: 'Owner policy' },
        {
          token: admin.token,
        },
      );
      const policyId = policy.data!.createNotificationPolicy.id;
      expect(
        errorCodes(
          await server.gql(
            InventoryAddDeviceToNotificationPolicyDocument,
            { policy: policyId, device: basic },
            { token: admin.token },
          ),
        ),
      ).toEqual(['FORBIDDEN']);
      const stranger = await server.signUp();
      expect(
        errorCodes(
          await server.gql(
            InventoryAddDeviceToNotificationPolicyDocument,
            { policy: policyId, device: basic },
            { token: stranger.token },
          ),
        ),
      ).toEqual(['NOT_FOUND']);
    });
  });
});
