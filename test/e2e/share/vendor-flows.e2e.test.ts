import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { errorCodes, startTestServer, type Session, type TestServer, nodes } from '../../support/test-server';

/** Runs an operation that must succeed and answers its data. */
async function ok<T>(
  server: TestServer,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
  enterpriseId?: string,
) {
  const response = await server.gql<T>(query, variables, { token, enterpriseId });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

async function registerDevices(server: TestServer, token: string, plans: string[], prefix: string) {
  const ids: string[] = [];
  for (const [index, plan] of plans.entries()) {
    const data = await ok<{ registerDevice: { id: string } }>(
      server,
      `mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }`,
      { input: { serialNumber: `${prefix}-${index}`, name: `${prefix} ${index}`, model: 'UC300', plan } },
      token,
    );
    ids.push(data.registerDevice.id);
  }
  return ids;
}

describe('the Milesight "Share Devices" flow', () => {
  it('share in bulk, copy the link, the recipient signs up and accepts into a new enterprise, then add, extend, cancel some, cancel all', async () => {
    const server = await startTestServer();
    try {
      const sharer = await server.signUp('Milesight admin');
      await ok(
        server,
        `mutation { createEnterprise(input: { name: "IoT Lab", dataCenter: EU }) { id } }`,
        {},
        sharer.token,
      );
      const [a, b, c] = await registerDevices(server, sharer.token, ['STANDARD', 'ADVANCED', 'STANDARD'], 'MS');

      // Share devices in bulk with someone who has no account yet, with an expiry and a description.
      const shared = await ok<{ shareDevices: { share: { id: string; status: string } } }>(
        server,
        `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id status } } }`,
        {
          input: {
            deviceIds: [a, b],
            recipientEmail: 'partner@integrator.example',
            permissions: ['MONITOR', 'CONFIGURE'],
            expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
            description: 'Commissioning',
          },
        },
        sharer.token,
      );
      const shareId = shared.shareDevices.share.id;
      expect(shared.shareDevices.share.status).toBe('PENDING');
      const noMail = await server.app.db.dataSource.query(
        `SELECT id FROM outbox_message WHERE template = 'invitation'`,
      );
      expect(noMail).toEqual([]);

      // "Copy Sharing Link" and pass it on.
      const { shareLink } = await ok<{ shareLink: string }>(
        server,
        `mutation ($id: ID!) { shareLink(shareId: $id) }`,
        { id: shareId },
        sharer.token,
      );

      // The recipient signs up and accepts into a new enterprise, created in the devices' data center.
      const recipient = await server.signUp('Partner', 'partner@integrator.example');
      const accepted = await ok<{
        acceptShare: { status: string; receivingEnterprise: { name: string; dataCenter: string } };
      }>(
        server,
        `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status receivingEnterprise { name dataCenter } } }`,
        { input: { token: new URL(shareLink).searchParams.get('token'), newEnterprise: { name: 'Integrator' } } },
        recipient.token,
      );
      expect(accepted.acceptShare).toEqual({
        status: 'ACTIVE',
        receivingEnterprise: { name: 'Integrator', dataCenter: 'EU' },
      });

      // The sharer adds a device, extends the share, cancels one device, then all.
      const added = await ok<{
        addDevicesToShare: { devices: { edges: { node: { deviceId: string; status: string } }[] } };
      }>(
        server,
        `mutation ($id: ID!, $d: [ID!]!) { addDevicesToShare(shareId: $id, deviceIds: $d) { devices { edges { node { deviceId status } } } } }`,
        { id: shareId, d: [c] },
        sharer.token,
      );
      expect(nodes(added.addDevicesToShare.devices).map((device) => device.status)).toEqual([
        'ACTIVE',
        'ACTIVE',
        'ACTIVE',
      ]);
      await ok(
        server,
        `mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 30 }) { expiresAt } }`,
        { id: shareId },
        sharer.token,
      );
      const some = await ok<{ cancelSharedDevices: { status: string } }>(
        server,
        `mutation ($id: ID!, $d: [ID!]!) { cancelSharedDevices(shareId: $id, deviceIds: $d) { status } }`,
        { id: shareId, d: [a] },
        sharer.token,
      );
      expect(some.cancelSharedDevices.status).toBe('ACTIVE');
      const seen = async (deviceId: string) =>
        errorCodes(
          await server.gql(`query ($id: ID!) { device(id: $id) { id } }`, { id: deviceId }, { token: recipient.token }),
        );
      expect([await seen(a), await seen(b), await seen(c)]).toEqual([['NOT_FOUND'], [], []]);
      const all = await ok<{ cancelShare: { status: string } }>(
        server,
        `mutation ($id: ID!) { cancelShare(shareId: $id) { status } }`,
        { id: shareId },
        sharer.token,
      );
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
      const owner = await server.signUp('UPS owner');
      const { createEnterprise } = await ok<{ createEnterprise: { id: string } }>(
        server,
        `mutation { createEnterprise(input: { name: "Data Hall", dataCenter: US }) { id } }`,
        {},
        owner.token,
      );
      const [ups] = await registerDevices(server, owner.token, ['ADVANCED'], 'SMT1500');

      // Five users at most.
      const users: (Session & { enterpriseId: string })[] = [];
      for (let i = 0; i < 5; i++) {
        const user = await server.signUp(`Technician ${i}`);
        const own = await ok<{ createEnterprise: { id: string } }>(
          server,
          `mutation { createEnterprise(input: { name: "Service", dataCenter: US }) { id } }`,
          {},
          user.token,
        );
        users.push({ ...user, enterpriseId: own.createEnterprise.id });
        await ok(
          server,
          `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id } } }`,
          {
            input: {
              deviceIds: [ups],
              recipientEmail: user.account.email,
              permissions: ['MONITOR', 'CONTROL', 'REPORTS'],
            },
          },
          owner.token,
        );
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
      await ok(
        server,
        `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`,
        { input: { shareId, code } },
        technician.token,
      );

      // The shared user operates within the permissions, and not beyond them.
      await ok(server, `mutation ($id: ID!) { rebootDevice(deviceId: $id) { id } }`, { id: ups }, technician.token);
      await ok(server, `mutation ($id: ID!) { generateReport(deviceId: $id) { id } }`, { id: ups }, technician.token);
      const firmware = await server.gql(
        `mutation ($id: ID!) { upgradeFirmware(deviceId: $id, version: "9") { id } }`,
        { id: ups },
        {
          token: technician.token,
        },
      );
      expect(errorCodes(firmware)).toEqual(['FORBIDDEN']);

      // Falling to BASIC keeps the share but blocks remote control until the plan is raised.
      await ok(
        server,
        `mutation ($id: ID!) { changeDevicePlan(deviceId: $id, plan: BASIC) { plan } }`,
        { id: ups },
        owner.token,
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
      await ok(
        server,
        `mutation ($id: ID!) { changeDevicePlan(deviceId: $id, plan: STANDARD) { plan } }`,
        { id: ups },
        owner.token,
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
      await ok(
        server,
        `mutation ($s: ID!, $d: ID!) { removeSharedDevice(shareId: $s, deviceId: $d) { status } }`,
        { s: shareId, d: ups },
        technician.token,
      );
      const gone = await server.gql(
        `query ($id: ID!) { device(id: $id) { id } }`,
        { id: ups },
        { token: technician.token },
      );
      expect(errorCodes(gone)).toEqual(['NOT_FOUND']);
      await ok(server, `mutation ($id: ID!) { deleteDevice(deviceId: $id) }`, { id: ups }, owner.token);

      // The event log shows every action, by whom.
      const log = await ok<{ auditLog: { edges: { node: { action: string } }[] } }>(
        server,
        `query ($e: ID) { auditLog(enterpriseId: $e, first: 100) { edges { node { action } } } }`,
        { e: createEnterprise.id },
        owner.token,
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
