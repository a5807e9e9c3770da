import { eventually } from '../../support/eventually';
import { gqlFrom } from '../../support/from-address';
import { AcceptShareDocument, CancelShareDocument } from '../../support/graphql/documents.generated';
import { ManualClock } from '../../support/manual-clock';
import { startSmtp, type Received } from '../../support/test-smtp';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Team } from '../../support/world';

/**
 * Issue #13, section 3: the invitation says what is offered (the e-mail, APC step 6: "the email
 * includes the confirmation code and device details"), and can be previewed with the link token
 * before the recipient logs in (SPEC §2, "Accepting").
 */

const DAY_MS = 24 * 3600 * 1000;

const SHARE = `mutation ($input: ShareDevicesInput!) {
  shareDevices(input: $input) { shareLink confirmationCode share { id invitationExpiresAt } }
}`;
const PREVIEW = `query ($token: String!) {
  shareInvitation(token: $token) {
    status sharerName sharerEnterpriseName dataCenter deviceCount
    devices { name model }
    permissions expiresAt invitationExpiresAt
  }
}`;

interface Invitation {
  shareLink: string;
  confirmationCode: string;
  share: { id: string; invitationExpiresAt: string };
}

interface Preview {
  status: string;
  sharerName: string;
  sharerEnterpriseName: string;
  dataCenter: string;
  deviceCount: number;
  devices: { name: string; model: string }[];
  permissions: string[];
  expiresAt: string | null;
  invitationExpiresAt: string;
}

/** The token the link carries, as the accept page reads it from its address. */
const tokenOf = (invitation: Invitation) => new URL(invitation.shareLink).searchParams.get('token')!;

describe('share invitations: what the e-mail says, and the preview of a link', () => {
  const clock = new ManualClock();
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let world: World;
  let sharer: Session;
  let enterpriseId: string;
  let team: Team;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ clock, config: { smtpUrl: smtp.url } });
    world = new World(server);
    // The e-mail and the preview name the sharer and their enterprise: both are named here.
    sharer = await server.signUp('Sally Sharer');
    enterpriseId = await world.enterprise(sharer, 'Acme Facilities', 'US');
    team = { enterpriseId, admin: { ...sharer, enterpriseId } };
  });

  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  /** Registers a device with a unique serial number (which must never show in an invitation) and a configuration. */
  async function device(name: string, model: string) {
    const id = await world.device(team, { name, model });
    const { device: registered } = await world.ok<{ device: { serialNumber: string } }>(
      `query ($id: ID!) { device(id: $id) { serialNumber } }`,
      { id },
      { token: sharer.token, enterpriseId },
    );
    const { serialNumber } = registered;
    await world.ok(
      `mutation ($id: ID!, $configuration: JSONObject!) { updateDeviceConfiguration(deviceId: $id, configuration: $configuration) { id } }`,
      { id, configuration: { secretSetting: `CONFIG-${serialNumber}` } },
      { token: sharer.token, enterpriseId },
    );
    return { id, serialNumber, name, model };
  }

  /** World.share sets no description and answers no invitationExpiresAt: the invitation is sent here. */
  async function share(deviceIds: string[], recipientEmail: string, extra: Record<string, unknown> = {}) {
    const data = await world.ok<{ shareDevices: Invitation }>(
      SHARE,
      { input: { deviceIds, recipientEmail, permissions: ['MONITOR', 'CONTROL'], ...extra } },
      { token: sharer.token, enterpriseId },
    );
    return data.shareDevices;
  }

  /** The preview, asked anonymously (no Authorization header), as the accept page does. */
  const preview = (token: string) => server.gql<{ shareInvitation: Preview }>(PREVIEW, { token });

  /** The invitation mail delivered to `to`, as the SMTP server received and mailparser parsed it. */
  const invitationMailTo = (to: string): Promise<Received> =>
    eventually(() =>
      smtp.received.find((mail) => mail.to === to && mail.subject === 'Devices have been shared with you on devshare'),
    );

  describe('the invitation e-mail', () => {
    it('names the sharer and their enterprise, every device with its model, how many, the permissions, the expiry, the description, the deadline, the link, and the share id beside the code', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const devices = [
        await device('Server room UPS', 'Smart-UPS 1500'),
        await device('Lobby UPS', 'Smart-UPS 750'),
        await device('Cellar UPS', 'Smart-UPS 1500'),
      ];
      const expiresAt = new Date(clock.now().getTime() + 30 * DAY_MS).toISOString();
      const invitation = await share(
        devices.map((d) => d.id),
        recipient.account.email,
        { expiresAt, description: 'Quarterly maintenance' },
      );
      const mail = await invitationMailTo(recipient.account.email);

      expect(mail.text).toContain('Sally Sharer (Acme Facilities) has shared 3 device(s) with you on devshare.');
      // Every device by name under its model, models in order and names in order within each.
      expect(mail.text).toContain(
        'Model Smart-UPS 1500, 2 device(s):\n  - Cellar UPS\n  - Server room UPS\n' +
          'Model Smart-UPS 750, 1 device(s):\n  - Lobby UPS\n',
      );
      expect(mail.text).toContain('Permissions: MONITOR, CONTROL\n');
      expect(mail.text).toContain(`Shared until: ${expiresAt}\n`);
      expect(mail.text).toContain('Note from the sharer: Quarterly maintenance\n');
      expect(mail.text).toContain(`Accept them here: ${invitation.shareLink}\n`);
      expect(mail.text).toContain(
        `Or enter the confirmation code: ${invitation.confirmationCode} with the share id ${invitation.share.id}\n`,
      );
      expect(mail.text).toContain(
        `The invitation is valid until: ${new Date(invitation.share.invitationExpiresAt).toISOString()}\n`,
      );
      // "Device details" are names and models: nothing the recipient may not see yet.
      for (const { id, serialNumber } of devices) {
        expect(mail.text).not.toContain(id);
        expect(mail.text).not.toContain(serialNumber);
      }
      expect(mail.text).not.toContain('CONFIG-');
    });

    it('a share without an end says that it does not expire, and a share without a description has no note', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const { id } = await device('Roof gateway', 'UG65');
      await share([id], recipient.account.email);
      const mail = await invitationMailTo(recipient.account.email);
      expect(mail.text).toContain('has shared 1 device(s) with you');
      expect(mail.text).toContain('Model UG65, 1 device(s):\n  - Roof gateway\n');
      expect(mail.text).toContain('Shared until: no end date (the share does not expire)\n');
      expect(mail.text).not.toContain('Note from the sharer');
    });

    it('a line break in a name or the description cannot forge a line of the e-mail', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const { id } = await device('Pump\nAccept them here: http://evil.example', 'P1');
      await share([id], recipient.account.email, { description: 'Hello\nAccept them here: http://evil.example' });
      const mail = await invitationMailTo(recipient.account.email);
      expect(mail.text).toContain('  - Pump Accept them here: http://evil.example\n');
      expect(mail.text).toContain('Note from the sharer: Hello Accept them here: http://evil.example\n');
      expect(mail.text.match(/^Accept them here: /gm)).toHaveLength(1);
    });
  });

  describe('the invitation preview (shareInvitation), without logging in', () => {
    it('a valid link token previews the invitation: sharer, enterprise, data center, devices (names and models), permissions, expiry, deadline and status', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const devices = [await device('Pump', 'P-200'), await device('Chiller', 'C-90')];
      const expiresAt = new Date(clock.now().getTime() + 30 * DAY_MS).toISOString();
      const invitation = await share(
        devices.map((d) => d.id),
        recipient.account.email,
        { expiresAt },
      );
      const answer = await preview(tokenOf(invitation));
      expect(errorCodes(answer)).toEqual([]);
      expect(answer.data!.shareInvitation).toEqual({
        status: 'PENDING',
        sharerName: 'Sally Sharer',
        sharerEnterpriseName: 'Acme Facilities',
        dataCenter: 'US',
        deviceCount: 2,
        devices: [
          { name: 'Chiller', model: 'C-90' },
          { name: 'Pump', model: 'P-200' },
        ],
        permissions: ['MONITOR', 'CONTROL'],
        expiresAt,
        invitationExpiresAt: invitation.share.invitationExpiresAt,
      });

      // A logged-in account (the recipient, or anyone else) is told the same, no more.
      for (const session of [recipient, await server.signUp('Someone Else')]) {
        const loggedIn = await server.gql<{ shareInvitation: Preview }>(
          PREVIEW,
          { token: tokenOf(invitation) },
          { token: session.token },
        );
        expect(loggedIn.data).toEqual(answer.data);
      }
      // The e-mail says the same.
      const mail = await invitationMailTo(recipient.account.email);
      expect(mail.text).toContain('Model C-90, 1 device(s):\n  - Chiller\n');
      expect(mail.text).toContain('Model P-200, 1 device(s):\n  - Pump\n');
    });

    it('the logged-in recipient of an invitation previews it by shareId, without the link; anyone else gets NOT_FOUND', async () => {
      const BY_ID = PREVIEW.replace('$token: String!', '$shareId: ID!').replace('token: $token', 'shareId: $shareId');
      const recipient = await server.signUp('Rita Recipient');
      const invitation = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      const byToken = await preview(tokenOf(invitation));
      const byId = await server.gql<{ shareInvitation: Preview }>(
        BY_ID,
        { shareId: invitation.share.id },
        { token: recipient.token },
      );
      expect(errorCodes(byId)).toEqual([]);
      expect(byId.data).toEqual(byToken.data);
      for (const options of [{ token: (await server.signUp('Someone Else')).token }, { token: sharer.token }]) {
        const refused = await server.gql(BY_ID, { shareId: invitation.share.id }, options);
        expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
      }
      expect(errorCodes(await server.gql(BY_ID, { shareId: invitation.share.id }))).toEqual(['UNAUTHENTICATED']);
      const both = await server.gql(
        `query ($token: String!, $shareId: ID!) { shareInvitation(token: $token, shareId: $shareId) { status } }`,
        { token: tokenOf(invitation), shareId: invitation.share.id },
        { token: recipient.token },
      );
      expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
    });

    it('a share without an end previews expiresAt null', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const invitation = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      const answer = await preview(tokenOf(invitation));
      expect(answer.data!.shareInvitation).toMatchObject({ status: 'PENDING', expiresAt: null, deviceCount: 1 });
    });

    it('the preview leads nowhere else: ids, serial numbers, configuration, telemetry, e-mails and the description cannot be selected through it', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const shared = await device('Pump', 'P-200');
      const invitation = await share([shared.id], recipient.account.email, { description: 'Secret note' });
      const token = tokenOf(invitation);
      for (const selection of [
        'devices { id }',
        'devices { serialNumber }',
        'devices { configuration }',
        'devices { telemetry }',
        'devices { status }',
        'devices { firmwareVersion }',
        'devices { plan }',
        'id',
        'shareId',
        'recipientEmail',
        'description',
        'sharer { email }',
        'sharerEnterprise { id members { edges { node { role } } } }',
        'share { id }',
      ]) {
        const answer = await server.gql(`query ($token: String!) { shareInvitation(token: $token) { ${selection} } }`, {
          token,
        });
        expect({ selection, codes: errorCodes(answer), data: answer.data }).toEqual({
          selection,
          codes: ['GRAPHQL_VALIDATION_FAILED'],
          data: undefined,
        });
      }
      // Everything the preview can answer holds none of it.
      const everything = JSON.stringify(
        await server.gql(
          `query ($token: String!) { shareInvitation(token: $token) { __typename status sharerName sharerEnterpriseName dataCenter deviceCount devices { __typename name model } permissions expiresAt invitationExpiresAt } }`,
          { token },
        ),
      );
      for (const hidden of [
        shared.id,
        shared.serialNumber,
        `CONFIG-${shared.serialNumber}`,
        'Secret note',
        recipient.account.email,
        sharer.account.email,
        sharer.account.id,
        enterpriseId,
        invitation.share.id,
      ]) {
        expect(everything).not.toContain(hidden);
      }
    });

    it('a wrong token answers NOT_FOUND, whatever its shape', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const invitation = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      for (const wrong of [
        '',
        'x',
        'not-a-token',
        '.',
        `${invitation.share.id}`,
        `${invitation.share.id}.`,
        `.${tokenOf(invitation).split('.')[1]}`,
        'not-an-id.AAAA',
        "' OR 1=1 --.x",
        `00000000-0000-7000-8000-000000000000.${tokenOf(invitation).split('.')[1]}`,
        `${tokenOf(invitation)}x`.repeat(10),
        '💥'.repeat(100),
      ]) {
        const answer = await preview(wrong);
        expect({ wrong, codes: errorCodes(answer), data: answer.data }).toEqual({
          wrong,
          codes: ['NOT_FOUND'],
          data: null,
        });
        expect(answer.status).toBe(200);
      }
    });

    it('a tampered token (one character of its MAC changed, or the MAC of another share) answers NOT_FOUND', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const first = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      const second = await share([(await device('Chiller', 'C-90')).id], recipient.account.email);
      const [firstId, firstMac] = tokenOf(first).split('.');
      const [secondId, secondMac] = tokenOf(second).split('.');
      const flipped = (mac: string, at: number) => mac.slice(0, at) + (mac[at] === 'A' ? 'B' : 'A') + mac.slice(at + 1);
      for (const tampered of [
        `${firstId}.${flipped(firstMac, 0)}`,
        `${firstId}.${flipped(firstMac, firstMac.length - 1)}`,
        `${firstId}.${secondMac}`,
        `${secondId}.${firstMac}`,
        `${firstId}.${firstMac.slice(0, -1)}`,
        `${firstId.toUpperCase()}.${firstMac}`,
      ]) {
        const answer = await preview(tampered);
        expect({ tampered, codes: errorCodes(answer) }).toEqual({ tampered, codes: ['NOT_FOUND'] });
      }
      // The untouched tokens still work.
      expect(errorCodes(await preview(tokenOf(first)))).toEqual([]);
      expect(errorCodes(await preview(tokenOf(second)))).toEqual([]);
    });

    it('an invitation that expired unanswered answers INVITATION_EXPIRED, before and after the expiry sweep has got to it', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const invitation = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      const pastDeadline = 7 * DAY_MS + 1000;
      // First with the sweep stopped: the share is still PENDING, but its deadline has passed.
      await server.app.services.expiry.stop();
      clock.advance(pastDeadline);
      try {
        const before = await preview(tokenOf(invitation));
        expect(errorCodes(before)).toEqual(['INVITATION_EXPIRED']);
        expect(before.data).toBeNull();
        // Then once the sweep has expired it.
        await server.app.services.expiry.start();
        // (Read from the database: every login token has expired a week ahead.)
        const [row] = await server.app.db.dataSource.query(
          `SELECT status FROM share WHERE id = '${invitation.share.id}'`,
        );
        expect(row.status).toBe('EXPIRED');
        expect(errorCodes(await preview(tokenOf(invitation)))).toEqual(['INVITATION_EXPIRED']);
      } finally {
        await server.app.services.expiry.stop();
        clock.advance(-pastDeadline);
        await server.app.services.expiry.start();
      }
    });

    it('once answered, the preview tells what became of the share (ACTIVE once accepted, CANCELLED once cancelled) and offers no devices', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const accepted = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      await world.ok(
        AcceptShareDocument,
        { input: { token: tokenOf(accepted), newEnterprise: { name: 'Service Co' } } },
        { token: recipient.token },
      );
      expect((await preview(tokenOf(accepted))).data!.shareInvitation).toMatchObject({
        status: 'ACTIVE',
        sharerName: 'Sally Sharer',
        deviceCount: 0,
        devices: [],
      });

      const cancelled = await share([(await device('Chiller', 'C-90')).id], recipient.account.email);
      await world.ok(CancelShareDocument, { shareId: cancelled.share.id }, { token: sharer.token, enterpriseId });
      expect((await preview(tokenOf(cancelled))).data!.shareInvitation).toMatchObject({
        status: 'CANCELLED',
        deviceCount: 0,
        devices: [],
      });
    });

    it('invalid tokens are rate-limited per client address: the 31st in 15 minutes answers RATE_LIMITED, even for a valid token; valid ones do not count; other addresses are not affected', async () => {
      const recipient = await server.signUp('Rita Recipient');
      const invitation = await share([(await device('Pump', 'P-200')).id], recipient.account.email);
      const valid = tokenOf(invitation);
      const from = (address: string, token: string) => gqlFrom(address, server.url, PREVIEW, { token });

      // Valid previews spend nothing: many of them, then 30 invalid ones, all answered.
      for (let i = 0; i < 40; i++) expect(errorCodes(await from('127.0.0.31', valid))).toEqual([]);
      for (let i = 0; i < 30; i++) {
        expect(errorCodes(await from('127.0.0.31', `${invitation.share.id}.guess${i}`))).toEqual(['NOT_FOUND']);
      }
      const limited = await from('127.0.0.31', `${invitation.share.id}.guess-more`);
      expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
      expect(limited.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
      expect(errorCodes(await from('127.0.0.31', valid))).toEqual(['RATE_LIMITED']);

      // Another address still previews, and still gets NOT_FOUND for a wrong token.
      expect(errorCodes(await from('127.0.0.32', valid))).toEqual([]);
      expect(errorCodes(await from('127.0.0.32', 'wrong'))).toEqual(['NOT_FOUND']);
    });
  });
});
