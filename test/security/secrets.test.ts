import { randomBytes, randomUUID } from 'node:crypto';
import { OutboxWithoutInvitationSecrets1796101829544 as PostgresMigration } from '../../src/database/migrations/postgres/1796101829544-OutboxWithoutInvitationSecrets';
import { OutboxWithoutInvitationSecrets1796101829544 as SqliteMigration } from '../../src/database/migrations/sqlite/1796101829544-OutboxWithoutInvitationSecrets';
import { DEMO_PASSWORD } from '../../src/demo/demo-data';
import { OutboxMessage } from '../../src/modules/mail/outbox-message.entity';
import { ShareInvitations } from '../../src/modules/share/share-invitation';
import { capturedLogger } from '../support/captured-logger';
import { eventually } from '../support/eventually';
import { startSmtp } from '../support/test-smtp';
import { errorCodes, startTestServer, type TestServer } from '../support/test-server';

/*
 * Issue 11: "`outbox_message.payload` and the log with `NODE_ENV=production` and no `SMTP_URL`:
 * the invitation's link token and 6-digit code in plain text, kept after sending; the demo code logged".
 */

/** The secrets of one invitation, and a test for text that holds either. */
function secretsOf(invitation: { shareLink: string; confirmationCode: string }) {
  const token = new URL(invitation.shareLink).searchParams.get('token')!;
  const code = invitation.confirmationCode;
  // The code on its own: not part of a longer run of digits such as a timestamp.
  const codeAlone = new RegExp(`(?<!\\d)${code}(?!\\d)`);
  return {
    token,
    code,
    foundIn: (text: string) => text.includes(token) || text.includes(token.split('.')[1]) || codeAlone.test(text),
  };
}

/** Shares a device with a recipient who has an account, so that an invitation e-mail is queued. */
async function shareWithAccountHolder(server: TestServer) {
  const sharer = await server.signUp('Sharer');
  const recipient = await server.signUp('Recipient');
  await server.gql(
    `mutation { createEnterprise(input: { name: "Acme", dataCenter: EU }) { id } }`,
    {},
    {
      token: sharer.token,
    },
  );
  const device = await server.gql<{ registerDevice: { id: string } }>(
    `mutation { registerDevice(input: { serialNumber: "SECRET-1", name: "UPS", model: "M", plan: STANDARD }) { id } }`,
    {},
    { token: sharer.token },
  );
  const shared = await server.gql<{ shareDevices: { shareLink: string; confirmationCode: string } }>(
    `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { shareLink confirmationCode } }`,
    {
      input: {
        deviceIds: [device.data!.registerDevice.id],
        recipientEmail: recipient.account.email,
        permissions: ['MONITOR'],
      },
    },
    { token: sharer.token },
  );
  expect(errorCodes(shared)).toEqual([]);
  return { recipient, ...secretsOf(shared.data!.shareDevices) };
}

const outboxText = async (server: TestServer) =>
  JSON.stringify(await server.app.db.dataSource.query(`SELECT * FROM outbox_message`));

const everyMessageSent = (server: TestServer) =>
  eventually(async () =>
    (await server.app.db.dataSource.query(`SELECT id FROM outbox_message WHERE "sentAt" IS NULL`)).length === 0
      ? true
      : undefined,
  );

describe('secrets: link tokens and confirmation codes are never stored or logged', () => {
  it('no outbox row holds the link token or the code: not when queued, not after a failed attempt, not once sent', async () => {
    const smtp = await startSmtp();
    smtp.state.refuse = 1;
    const server = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const invitation = await shareWithAccountHolder(server);
      expect(invitation.foundIn(await outboxText(server))).toBe(false);
      await eventually(async () =>
        (await server.app.db.dataSource.query(`SELECT id FROM outbox_message WHERE "lastError" IS NOT NULL`)).length
          ? true
          : undefined,
      );
      expect(invitation.foundIn(await outboxText(server))).toBe(false);
      // The retry comes after 2 s of backoff.
      const mail = await eventually(
        () => smtp.received.find((m) => m.to === invitation.recipient.account.email),
        10_000,
      );
      await everyMessageSent(server);
      expect(invitation.foundIn(await outboxText(server))).toBe(false);
      // The e-mail itself carries both: they were computed when it was sent.
      expect(mail.text).toContain(invitation.token);
      expect(mail.text).toContain(`code: ${invitation.code}`);
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  it('without SMTP_URL, the log says an e-mail was not sent, and holds neither its link token nor its code', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      const invitation = await shareWithAccountHolder(server);
      await everyMessageSent(server);
      const logged = lines.find((line) => line.to === invitation.recipient.account.email);
      expect(logged).toMatchObject({
        template: 'invitation',
        subject: 'Devices have been shared with you on devshare',
      });
      expect(invitation.foundIn(JSON.stringify(lines))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('migrating a database whose outbox holds invitations with their link and code keeps only the share ids', async () => {
    const server = await startTestServer();
    try {
      const { dataSource } = server.app.db;
      const shareId = '00000000-0000-7000-8000-000000000001';
      const old = { shareId, link: 'http://devshare.test/shares/accept?token=x.secret-mac', code: '493817' };
      // As the outbox held them before invitations were rendered at send time.
      await dataSource.manager.insert(OutboxMessage, {
        id: randomUUID(),
        to: 'r@example.com',
        template: 'invitation',
        payload: old,
        createdAt: new Date(),
        sentAt: null,
        attempts: 0,
        nextAttemptAt: new Date(),
        lastError: null,
      });
      const runner = dataSource.createQueryRunner();
      try {
        await (server.app.db.isPostgres ? new PostgresMigration() : new SqliteMigration()).up(runner);
      } finally {
        await runner.release();
      }
      const [row] = await dataSource.query(`SELECT payload FROM outbox_message`);
      expect(JSON.parse(row.payload)).toEqual({ shareId });
    } finally {
      await server.close();
    }
  });

  describe('the demo data', () => {
    /** Starts with the demo world in `nodeEnv`; answers the start-up log and the demo invitation's secrets. */
    async function demoStart(nodeEnv: string) {
      const { logger, lines } = capturedLogger();
      const jwtSecret = randomBytes(32);
      const server = await startTestServer({ logger, config: { demoData: true, nodeEnv, jwtSecret } });
      // The demo share's link and code, computed as the server does from the share's nonces.
      const [share] = await server.app.db.dataSource.query(`SELECT id, "linkNonce", "codeNonce" FROM share`);
      const invitations = new ShareInvitations(jwtSecret, 'http://devshare.test');
      const secrets = secretsOf({ shareLink: invitations.link(share), confirmationCode: invitations.code(share) });
      const loaded = lines.find((line) => String(line.msg).startsWith('Demo data loaded'))!;
      return { server, lines, loaded: String(loaded.msg), secrets, shareId: share.id as string };
    }

    it('in production, the start-up log holds no confirmation code, link token or demo password', async () => {
      const { server, lines, loaded, secrets, shareId } = await demoStart('production');
      try {
        expect(loaded).toContain(`resendShareInvitation(shareId: "${shareId}")`);
        await everyMessageSent(server);
        expect(secrets.foundIn(JSON.stringify(lines))).toBe(false);
        expect(JSON.stringify(lines)).not.toContain(DEMO_PASSWORD);
      } finally {
        await server.close();
      }
    });

    it('outside production, it prints the acceptShare call with the code, which accepts the share as Gina', async () => {
      const { server, loaded, secrets, shareId } = await demoStart('development');
      try {
        expect(loaded).toContain(`shareId: "${shareId}", code: "${secrets.code}"`);
        expect(loaded).toContain(`password "${DEMO_PASSWORD}"`);
        const gina = await server.gql<{ logIn: { token: string } }>(
          `mutation { logIn(email: "gina@globex.example", password: "devshare-demo") { token } }`,
        );
        const accepted = await server.gql(
          `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`,
          { input: { shareId, code: secrets.code, newEnterprise: { name: 'Globex EU' } } },
          { token: gina.data!.logIn.token },
        );
        expect(errorCodes(accepted)).toEqual([]);
      } finally {
        await server.close();
      }
    });
  });
});
