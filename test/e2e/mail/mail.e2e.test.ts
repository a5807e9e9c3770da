import {
  AcceptShareStatusDocument,
  CancelShareStatusDocument,
  ResendShareInvitationCodeDocument,
  MailShareDevicesDocument,
} from '../../support/graphql/documents.generated';
import { capturedLogger } from '../../support/captured-logger';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/manual-clock';
import { startSmtp } from '../../support/test-smtp';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Team } from '../../support/world';

/** Resolves once the outbox holds no unsent message; the SMTP server has a message before its delivery is recorded. */
function everyMessageMarkedSent(server: TestServer) {
  return eventually(async () =>
    (await server.app.db.dataSource.query(`SELECT id FROM outbox_message WHERE "sentAt" IS NULL`)).length === 0
      ? true
      : undefined,
  );
}

/** `sharer` makes an enterprise, Acme, of their own. */
async function acmeOf(world: World, sharer: Session): Promise<Team> {
  const enterpriseId = await world.enterprise(sharer, 'Acme');
  return { enterpriseId, admin: { ...sharer, enterpriseId } };
}

/** `sharer` makes an enterprise with a device and shares it with `recipientEmail`; answers the share id. */
async function shareWith(server: TestServer, sharer: Session, recipientEmail: string) {
  const world = new World(server);
  const team = await acmeOf(world, sharer);
  return (await world.share(team, recipientEmail, [await world.device(team, { name: 'UPS', model: 'M' })])).shareId;
}

describe('e-mail delivery', () => {
  it('the invitation reaches the recipient by SMTP; the code in it accepts the share', async () => {
    const smtp = await startSmtp();
    const server = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await new World(server).person('Recipient');
      const shareId = await shareWith(server, sharer, recipient.account.email);
      const mail = await eventually(() => smtp.received.find((m) => m.to === recipient.account.email));
      expect(mail.subject).toBe('Devices have been shared with you on devshare');
      const code = /confirmation code: (\d{6})/.exec(mail.text)![1];
      expect(mail.text).toContain('http://devshare.test/shares/accept?token=');
      const accepted = await server.gql(
        AcceptShareStatusDocument,
        { input: { shareId, code } },
        { token: recipient.token },
      );
      expect(accepted.data?.acceptShare.status).toBe('ACTIVE');
      const notice = await eventually(() => smtp.received.find((m) => m.to === sharer.account.email));
      expect(notice.subject).toBe('Your device share was accepted');
      await everyMessageMarkedSent(server);
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  it('the invitation names the sharer, their enterprise, the devices, permissions, expiry, description and deadline', async () => {
    const smtp = await startSmtp();
    const server = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const world = new World(server);
      const sharer = await server.signUp('Sally Sharer');
      const recipient = await server.signUp('Recipient');
      const acme = await acmeOf(world, sharer);
      const deviceIds = [
        await world.device(acme, { name: 'Pump', model: 'M' }),
        await world.device(acme, { name: 'Chiller', model: 'M' }),
      ];
      // Written out: world.share takes no description, and its answer has no invitationExpiresAt.
      const expiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
      const shared = await server.gql(
        MailShareDevicesDocument,
        {
          input: {
            deviceIds,
            recipientEmail: recipient.account.email,
            permissions: ['MONITOR', 'CONTROL'],
            expiresAt,
            description: 'Quarterly maintenance',
          },
        },
        { token: sharer.token },
      );
      expect(errorCodes(shared)).toEqual([]);
      const { confirmationCode, shareLink, share } = shared.data!.shareDevices;
      const mail = await eventually(() => smtp.received.find((m) => m.to === recipient.account.email));
      expect(mail.text).toContain('Sally Sharer (Acme) has shared 2 device(s) with you');
      expect(mail.text).toContain('  - Chiller\n  - Pump\n');
      expect(mail.text).toContain('Permissions: MONITOR, CONTROL');
      expect(mail.text).toContain(`Shared until: ${expiresAt}`);
      expect(mail.text).toContain('Note from the sharer: Quarterly maintenance');
      expect(mail.text).toContain(`Accept them here: ${shareLink}`);
      expect(mail.text).toContain(`confirmation code: ${confirmationCode} with the share id ${share.id}`);
      expect(mail.text).toContain(`valid until: ${new Date(share.invitationExpiresAt).toISOString()}`);
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  it('an invitation is rendered when it is sent: after a re-send it carries the fresh code; for a cancelled share it is not sent', async () => {
    const smtp = await startSmtp();
    const clock = new ManualClock();
    const server = await startTestServer({ clock, config: { smtpUrl: smtp.url } });
    const RESEND = ResendShareInvitationCodeDocument;
    const invitations = () =>
      smtp.received.filter((m) => m.subject === 'Devices have been shared with you on devshare');
    /** Resolves once `n` messages have had a failed attempt and wait for their retry. */
    const waitingForRetry = (n: number) =>
      eventually(async () => {
        const rows = await server.app.db.dataSource.query(
          `SELECT id FROM outbox_message WHERE "sentAt" IS NULL AND "lastError" IS NOT NULL`,
        );
        return rows.length === n ? true : undefined;
      });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await server.signUp('Recipient');
      // The first invitation is refused once, and is still waiting for its retry when the sharer re-sends.
      smtp.state.refuse = 1;
      const shareId = await shareWith(server, sharer, recipient.account.email);
      await waitingForRetry(1);
      const resent = await server.gql(RESEND, { id: shareId }, { token: sharer.token });
      const freshCode = resent.data!.resendShareInvitation.confirmationCode;
      await eventually(() => invitations()[0]);
      clock.advance(2_000);
      await eventually(() => invitations()[1]);
      await everyMessageMarkedSent(server);
      for (const mail of invitations()) expect(mail.text).toContain(`confirmation code: ${freshCode} `);

      // A third invitation is refused once; by its retry the share has been cancelled.
      smtp.state.refuse = 1;
      await server.gql(RESEND, { id: shareId }, { token: sharer.token });
      await waitingForRetry(1);
      const cancelled = await server.gql(CancelShareStatusDocument, { id: shareId }, { token: sharer.token });
      expect(errorCodes(cancelled)).toEqual([]);
      clock.advance(2_000);
      await everyMessageMarkedSent(server);
      expect(invitations()).toHaveLength(2);
      expect(smtp.received.filter((m) => m.subject === 'A device share with you was cancelled')).toHaveLength(1);
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  it('a message the server refuses is retried with backoff until it is delivered, then marked sent', async () => {
    const smtp = await startSmtp();
    smtp.state.refuse = 2;
    const clock = new ManualClock();
    const server = await startTestServer({ clock, config: { smtpUrl: smtp.url } });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await server.signUp('Recipient');
      await shareWith(server, sharer, recipient.account.email);
      /** Attempts that have ended (sent or failed) so far. */
      const failedAttempts = async () => {
        const [row] = await server.app.db.dataSource.query(
          `SELECT attempts FROM outbox_message WHERE template = 'invitation'`,
        );
        return row && Number(row.attempts) > 0 ? Number(row.attempts) : undefined;
      };
      expect(await eventually(failedAttempts)).toBe(1);
      clock.advance(2_000);
      await eventually(async () => ((await failedAttempts()) === 2 ? true : undefined));
      expect(smtp.received).toEqual([]);
      clock.advance(4_000);
      await eventually(() => smtp.received.find((m) => m.to === recipient.account.email));
      // The SMTP server has the message before the sender records the delivery.
      const row = await eventually(async () => {
        const [stored] = await server.app.db.dataSource.query(
          `SELECT attempts, "sentAt", "lastError" FROM outbox_message WHERE template = 'invitation'`,
        );
        return stored.sentAt ? stored : undefined;
      });
      expect(Number(row.attempts)).toBe(3);
      expect(row.sentAt).not.toBeNull();
      expect(row.lastError).toBeNull();
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  it('an unreachable SMTP server neither holds up the server nor loses the message: it waits to be retried', async () => {
    const server = await startTestServer({ config: { smtpUrl: 'smtp://127.0.0.1:1' } });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await server.signUp('Recipient');
      await shareWith(server, sharer, recipient.account.email);
      const [row] = await eventually(async () => {
        const rows = await server.app.db.dataSource.query(
          `SELECT attempts, "sentAt", "lastError" FROM outbox_message WHERE template = 'invitation' AND "lastError" IS NOT NULL`,
        );
        return rows.length ? rows : undefined;
      });
      expect(Number(row.attempts)).toBe(1);
      expect(row.sentAt).toBeNull();
      expect(errorCodes(await server.gql('{ me { id } }', {}, { token: sharer.token }))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('without SMTP_URL, e-mails are written to the log and marked sent', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await server.signUp('Recipient');
      await shareWith(server, sharer, recipient.account.email);
      const logged = await eventually(() => lines.find((line) => line.to === recipient.account.email));
      expect(logged).toMatchObject({
        subject: 'Devices have been shared with you on devshare',
        template: 'invitation',
      });
      // The body holds the link and the code: it is never logged.
      expect(logged).not.toHaveProperty('text');
      await everyMessageMarkedSent(server);
    } finally {
      await server.close();
    }
  });
});
