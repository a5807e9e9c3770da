import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { CancelShareDocument, ShareDevicesDocument } from '../../support/graphql/documents.generated';
import { errorCodes, nodes, startTestServer } from '../../support/test-server';
import { World, type Member } from '../../support/world';

describe('the Milesight "Share Devices" flow', () => {
  it('share in bulk, copy the link, the recipient signs up and accepts into a new enterprise, then add, extend, cancel some, cancel all', async () => {
    const server = await startTestServer();
    try {
      const world = new World(server);
      const iotLab = await world.team('IoT Lab');
      const sharer = iotLab.admin;
      const [a, b, c] = [
        await world.device(iotLab, { plan: 'STANDARD', model: 'UC300' }),
        await world.device(iotLab, { plan: 'ADVANCED', model: 'UC300' }),
        await world.device(iotLab, { plan: 'STANDARD', model: 'UC300' }),
      ];

      // Share devices in bulk with someone who has no account yet, with an expiry and a description.
      const shared = await world.ok(
        ShareDevicesDocument,
        {
          input: {
            deviceIds: [a, b],
            recipientEmail: 'partner@integrator.example',
            permissions: ['MONITOR', 'CONFIGURE'],
            expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
            description: 'Commissioning',
          },
        },
        { token: sharer.token },
      );
      const shareId = shared.shareDevices.share.id;
      expect(shared.shareDevices.share.status).toBe('PENDING');
      const noMail = await server.app.db.dataSource.query(
        `SELECT id FROM outbox_message WHERE template = 'invitation'`,
      );
      expect(noMail).toEqual([]);

      // "Copy Sharing Link" and pass it on.
      const { shareLink } = await world.ok<{ shareLink: string }>(
        `mutation ($id: ID!) { shareLink(shareId: $id) }`,
        { id: shareId },
        { token: sharer.token },
      );

      // The recipient signs up and accepts into a new enterprise, created in the devices' data center.
      const recipient = await server.signUp('Partner', 'partner@integrator.example');
      const accepted = await world.ok<{
        acceptShare: { status: string; receivingEnterprise: { name: string; dataCenter: string } };
      }>(
        `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status receivingEnterprise { name dataCenter } } }`,
        { input: { token: new URL(shareLink).searchParams.get('token'), newEnterprise: { name: 'Integrator' } } },
        { token: recipient.token },
      );
      expect(accepted.acceptShare).toEqual({
        status: 'ACTIVE',
        receivingEnterprise: { name: 'Integrator', dataCenter: 'EU' },
      });

      // The sharer adds a device, extends the share, cancels one device, then all.
      const added = await world.ok<{
        addDevicesToShare: { devices: { edges: { node: { deviceId: string; status: string } }[] } };
      }>(
        `mutation ($id: ID!, $d: [ID!]!) { addDevicesToShare(shareId: $id, deviceIds: $d) { devices { edges { node { deviceId status } } } } }`,
        { id: shareId, d: [c] },
        { token: sharer.token },
      );
      expect(nodes(added.addDevicesToShare.devices).map((device) => device.status)).toEqual([
        'ACTIVE',
        'ACTIVE',
        'ACTIVE',
      ]);
      await world.ok(
        `mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 30 }) { expiresAt } }`,
        { id: shareId },
        { token: sharer.token },
      );
      const some = await world.ok<{ cancelSharedDevices: { status: string } }>(
        `mutation ($id: ID!, $d: [ID!]!) { cancelSharedDevices(shareId: $id, deviceIds: $d) { status } }`,
        { id: shareId, d: [a] },
        { token: sharer.token },
      );
      expect(some.cancelSharedDevices.status).toBe('ACTIVE');
      const seen = async (deviceId: string) =>
        errorCodes(
          await server.gql(`query ($id: ID!) { device(id: $id) { id } }`, { id: deviceId }, { token: recipient.token }),
        );
      expect([await seen(a), await seen(b), await seen(c)]).toEqual([['NOT_FOUND'], [], []]);
      const all = await world.ok(CancelShareDocument, { shareId }, { token: sharer.token });
      expect(all.cancelShare.status).toBe('CANCELLED');
      expect([await seen(b), await seen(c)]).toEqual([['NOT_FOUND'], ['NOT_FOUND']]);
    } finally {
      await server.close();
    }
  });
});

describe('the APC SmartConnect "Device Sharing" flow', () => {
  it('code by e-mail, five users at most, operation within permissions, BASIC keeps the share without remote control, owner-only delete, remove from view, every action logged', async () => {
    const inbox: { to: string; text: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          inbox.push({ to: Array.isArray(mail.to) ? mail.to[0].text : (mail.to?.text ?? ''), text: mail.text ?? '' });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const server = await startTestServer({
      config: { smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` },
    });
    try {
      const world = new World(server);
      const dataHall = await world.team('Data Hall', { dataCenter: 'US' });
      const owner = dataHall.admin;
      const ups = await world.device(dataHall, { plan: 'ADVANCED', model: 'UC300' });

      // Five users at most.
      const users: Member[] = [];
      for (let i = 0; i < 5; i++) {
        const user = await world.person(`Technician ${i}`, 'US');
        users.push(user);
        await world.share(dataHall, user, [ups], { permissions: ['MONITOR', 'CONTROL', 'REPORTS'] });
      }
      const sixth = await server.gql(
        `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id } } }`,
        { input: { deviceIds: [ups], recipientEmail: 'sixth@example.com', permissions: ['MONITOR'] } },
        { token: owner.token },
      );
      expect(errorCodes(sixth)).toEqual(['SHARE_LIMIT_REACHED']);

      // The recipient reads the confirmation code from the e-mail and accepts with it.
      const technician = users[0];
      const deadline = Date.now() + 5_000;
      while (!inbox.some((mail) => mail.to === technician.account.email) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const mail = inbox.find((m) => m.to === technician.account.email)!;
      const code = /confirmation code: (\d{6})/.exec(mail.text)![1];
      const [{ id: shareId }] = await server.app.db.dataSource.query(
        `SELECT id FROM share WHERE "recipientEmail" = '${technician.account.email}'`,
      );
      await world.ok(
        `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`,
        { input: { shareId, code } },
        { token: technician.token },
      );

      // The shared user operates within the permissions, and not beyond them.
      await world.ok(
        `mutation ($id: ID!) { rebootDevice(deviceId: $id) { id } }`,
        { id: ups },
        { token: technician.token },
      );
      await world.ok(
        `mutation ($id: ID!) { generateReport(deviceId: $id) { id } }`,
        { id: ups },
        { token: technician.token },
      );
      const firmware = await server.gql(
        `mutation ($id: ID!) { upgradeFirmware(deviceId: $id, version: "9") { id } }`,
        { id: ups },
        {
          token: technician.token,
        },
      );
      expect(errorCodes(firmware)).toEqual(['FORBIDDEN']);

      // Falling to BASIC keeps the share but blocks remote control until the plan is raised.
      await world.ok(
        `mutation ($id: ID!) { changeDevicePlan(deviceId: $id, plan: BASIC) { plan } }`,
        { id: ups },
        { token: owner.token },
      );
      const [{ status }] = await server.app.db.dataSource.query(`SELECT status FROM share WHERE id = '${shareId}'`);
      expect(status).toBe('ACTIVE');
      const blocked = await server.gql(
        `mutation ($id: ID!) { rebootDevice(deviceId: $id) { id } }`,
        { id: ups },
        {
          token: technician.token,
        },
      );
      expect(errorCodes(blocked)).toEqual(['FORBIDDEN']);
      await world.ok(
        `mutation ($id: ID!) { changeDevicePlan(deviceId: $id, plan: STANDARD) { plan } }`,
        { id: ups },
        { token: owner.token },
      );

      // Only the owner deletes; the shared user can only remove the device from their view.
      const deleteByUser = await server.gql(
        `mutation ($id: ID!) { deleteDevice(deviceId: $id) }`,
        { id: ups },
        {
          token: technician.token,
        },
      );
      expect(errorCodes(deleteByUser)).toEqual(['FORBIDDEN']);
      await world.ok(
        `mutation ($s: ID!, $d: ID!) { removeSharedDevice(shareId: $s, deviceId: $d) { status } }`,
        { s: shareId, d: ups },
        { token: technician.token },
      );
      const gone = await server.gql(
        `query ($id: ID!) { device(id: $id) { id } }`,
        { id: ups },
        { token: technician.token },
      );
      expect(errorCodes(gone)).toEqual(['NOT_FOUND']);
      await world.ok(`mutation ($id: ID!) { deleteDevice(deviceId: $id) }`, { id: ups }, { token: owner.token });

      // The event log shows every action, by whom.
      const log = await world.ok<{ auditLog: { edges: { node: { action: string } }[] } }>(
        `query ($e: ID) { auditLog(enterpriseId: $e, first: 100) { edges { node { action } } } }`,
        { e: dataHall.enterpriseId },
        { token: owner.token },
      );
      const actions = log.auditLog.edges.map((edge) => edge.node.action).reverse();
      expect(actions).toEqual(
        expect.arrayContaining([
          'enterprise.created',
          'device.registered',
          'share.created',
          'share.accepted',
          'device.reboot',
          'device.report',
          'device.plan_changed',
          'share.degraded',
          'share.restored',
          'share.devices_removed',
          'device.deleted',
        ]),
      );
      expect(actions.filter((action) => action === 'share.created')).toHaveLength(5);
    } finally {
      await server.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
