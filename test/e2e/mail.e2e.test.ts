import { Writable } from 'node:stream';
import pino from 'pino';
import { ManualClock } from '../support/manual-clock';
import { startSmtp } from '../support/test-smtp';
import { errorCodes, startTestServer, type Session, type TestServer } from '../support/test-server';

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once the outbox holds no unsent message; the SMTP server has a message before its delivery is recorded. */
function everyMessageMarkedSent(server: TestServer) {
  return eventually(async () =>
    (await server.app.db.dataSource.query(`SELECT id FROM outbox_message WHERE "sentAt" IS NULL`)).length === 0
      ? true
      : undefined,
  );
}

async function shareWith(server: TestServer, sharer: Session, recipientEmail: string) {
  await server.gql(
    `mutation { createEnterprise(input: { name: "Acme", dataCenter: EU }) { id } }`,
    {},
    { token: sharer.token },
  );
  const device = await server.gql<{ registerDevice: { id: string } }>(
    `mutation { registerDevice(input: { serialNumber: "MAIL-${Date.now()}", name: "UPS", model: "M", plan: STANDARD }) { id } }`,
    {},
    { token: sharer.token },
  );
  const shared = await server.gql<{ shareDevices: { share: { id: string } } }>(
    `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id } } }`,
    { input: { deviceIds: [device.data!.registerDevice.id], recipientEmail, permissions: ['MONITOR'] } },
    { token: sharer.token },
  );
  expect(errorCodes(shared)).toEqual([]);
  return shared.data!.shareDevices.share.id;
}

describe('e-mail delivery', () => {
  it('the invitation reaches the recipient by SMTP; the code in it accepts the share', async () => {
    const smtp = await startSmtp();
    const server = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await server.signUp('Recipient');
      await server.gql(
        `mutation { createEnterprise(input: { name: "Mine", dataCenter: EU }) { id } }`,
        {},
        { token: recipient.token },
      );
      const shareId = await shareWith(server, sharer, recipient.account.email);
      const mail = await eventually(() => smtp.received.find((m) => m.to === recipient.account.email));
      expect(mail.subject).toBe('Devices have been shared with you on devshare');
      const code = /confirmation code: (\d{6})/.exec(mail.text)![1];
      expect(mail.text).toContain('http://devshare.test/shares/accept?token=');
      const accepted = await server.gql<{ acceptShare: { status: string } }>(
        `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`,
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
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const server = await startTestServer({ logger: pino({ level: 'info' }, stream) });
    try {
      const sharer = await server.signUp('Sharer');
      const recipient = await server.signUp('Recipient');
      await shareWith(server, sharer, recipient.account.email);
      const logged = await eventually(() => lines.find((line) => line.to === recipient.account.email));
      expect(logged.subject).toBe('Devices have been shared with you on devshare');
      await everyMessageMarkedSent(server);
    } finally {
      await server.close();
    }
  });
});
