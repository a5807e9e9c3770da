import { Account } from '../../src/modules/account/account.entity';
import { OutboxMessage } from '../../src/modules/mail/outbox-message.entity';
import { startSmtp } from '../support/test-smtp';
import { errorCodes, nodes, startTestServer, type Session, type TestServer } from '../support/test-server';

/*
 * Issue 11: "sign up with a pending recipient's not-yet-registered e-mail: the attacker sees the
 * PENDING share (permissions, sharer, device ids) and can guess codes: e-mails are never verified".
 */

const SHARED_WITH_ME = `{ sharedWithMe { edges { node { id status permissions sharer { email } } } } }`;
const SHARE = `query ($id: ID!) { share(id: $id) { id status } }`;
const ACCEPT = `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`;
const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) { id emailVerified } }`;
const RESEND = `mutation { resendEmailVerification }`;
const ME = `{ me { emailVerified } }`;

async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('e-mail verification', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  /** A sharer with one device, shared (PENDING) with `recipientEmail`; answers the share id and its code. */
  async function pendingShareTo(recipientEmail: string) {
    const sharer = await server.signUp('Sharer');
    await server.gql(
      `mutation { createEnterprise(input: { name: "Acme", dataCenter: EU }) { id } }`,
      {},
      { token: sharer.token },
    );
    const device = await server.gql<{ registerDevice: { id: string } }>(
      `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "UPS", model: "M", plan: STANDARD }) { id } }`,
      { serial: `EV-${Math.random().toString(36).slice(2)}` },
      { token: sharer.token },
    );
    const shared = await server.gql<{ shareDevices: { confirmationCode: string; share: { id: string } } }>(
      `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { confirmationCode share { id } } }`,
      {
        input: {
          deviceIds: [device.data!.registerDevice.id],
          recipientEmail,
          permissions: ['MONITOR', 'CONTROL'],
        },
      },
      { token: sharer.token },
    );
    expect(errorCodes(shared)).toEqual([]);
    return { shareId: shared.data!.shareDevices.share.id, code: shared.data!.shareDevices.confirmationCode };
  }

  const sharedWithMe = async (session: Session) =>
    nodes(
      (await server.gql<{ sharedWithMe: { edges: { node: { id: string } }[] } }>(SHARED_WITH_ME, {}, session)).data!
        .sharedWithMe,
    );

  it("an account signed up with a pending recipient's e-mail sees nothing of the share and cannot accept it until it verifies the e-mail; then it can", async () => {
    const { shareId, code } = await pendingShareTo('newcomer@example.com');
    const newcomer = await server.signUpUnverified('Newcomer', 'newcomer@example.com');

    expect((await server.gql<{ me: unknown }>(ME, {}, newcomer)).data!.me).toEqual({ emailVerified: false });
    expect(await sharedWithMe(newcomer)).toEqual([]);
    expect(errorCodes(await server.gql(SHARE, { id: shareId }, newcomer))).toEqual(['NOT_FOUND']);
    const refused = await server.gql(
      ACCEPT,
      { input: { shareId, code, newEnterprise: { name: 'Newcomer Co' } } },
      newcomer,
    );
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0].message).toMatch(/^Verify your e-mail address first/);

    // The token comes from the mail queued at sign-up, as delivered by SMTP.
    const token = await smtp.verificationToken('newcomer@example.com');
    const verified = await server.gql<{ verifyEmail: { emailVerified: boolean } }>(VERIFY, { token }, newcomer);
    expect(verified.data?.verifyEmail.emailVerified).toBe(true);

    expect((await sharedWithMe(newcomer)).map((share) => share.id)).toEqual([shareId]);
    const accepted = await server.gql<{ acceptShare: { status: string } }>(
      ACCEPT,
      { input: { shareId, code, newEnterprise: { name: 'Newcomer Co' } } },
      newcomer,
    );
    expect(errorCodes(accepted)).toEqual([]);
    expect(accepted.data?.acceptShare.status).toBe('ACTIVE');
  });

  it("verifyEmail takes only the account's own token: another account's, a forged one, or none logged in are refused", async () => {
    const first = await server.signUpUnverified('First');
    const second = await server.signUpUnverified('Second');
    const firstToken = await smtp.verificationToken(first.account.email);
    // Someone who signed up with another person's address cannot have that person's click verify it.
    expect(errorCodes(await server.gql(VERIFY, { token: firstToken }, second))).toEqual(['BAD_USER_INPUT']);
    const forged = `${second.account.id}.${'A'.repeat(43)}`;
    expect(errorCodes(await server.gql(VERIFY, { token: forged }, second))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await server.gql(VERIFY, { token: firstToken }))).toEqual(['UNAUTHENTICATED']);
    expect((await server.gql<{ me: unknown }>(ME, {}, second)).data!.me).toEqual({ emailVerified: false });
    // Verifying twice answers the verified account.
    expect(errorCodes(await server.gql(VERIFY, { token: firstToken }, first))).toEqual([]);
    expect(
      (await server.gql<{ verifyEmail: unknown }>(VERIFY, { token: firstToken }, first)).data!.verifyEmail,
    ).toEqual({ id: first.account.id, emailVerified: true });
  });

  it('the verification token is stored nowhere: neither the account row nor the outbox holds it', async () => {
    const session = await server.signUpUnverified('Careful');
    const token = await smtp.verificationToken(session.account.email);
    const mac = token.split('.')[1];
    const account = await server.app.db.manager.findOneByOrFail(Account, { id: session.account.id });
    const outbox = await server.app.db.manager.find(OutboxMessage);
    expect(outbox.some((message) => message.template === 'verify_email')).toBe(true);
    expect(JSON.stringify([account, outbox])).not.toContain(mac);
  });

  it('resendEmailVerification mails a working link again, a few times per hour, and answers false once verified', async () => {
    const session = await server.signUpUnverified('Resender');
    const first = await smtp.verificationToken(session.account.email);
    const before = smtp.received.filter((mail) => mail.to === session.account.email).length;
    expect((await server.gql<{ resendEmailVerification: boolean }>(RESEND, {}, session)).data).toEqual({
      resendEmailVerification: true,
    });
    await eventually(() => smtp.received.filter((mail) => mail.to === session.account.email).length > before);
    expect(await smtp.verificationToken(session.account.email)).toBe(first);
    for (let i = 1; i < 5; i++) expect(errorCodes(await server.gql(RESEND, {}, session))).toEqual([]);
    const limited = await server.gql(RESEND, {}, session);
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);

    const other = await server.signUpUnverified('Verified');
    await server.gql(VERIFY, { token: await smtp.verificationToken(other.account.email) }, other);
    expect((await server.gql(RESEND, {}, other)).data).toEqual({ resendEmailVerification: false });
  });

  it('emailVerified is visible to the account itself only', async () => {
    const { shareId } = await pendingShareTo('partner@example.com');
    const partner = await server.signUp('Partner', 'partner@example.com');
    const view = await server.gql<{ share: { sharer: { emailVerified: boolean | null } } }>(
      `query ($id: ID!) { share(id: $id) { sharer { emailVerified } } }`,
      { id: shareId },
      partner,
    );
    expect(view.data?.share.sharer.emailVerified).toBeNull();
    expect(errorCodes(view)).toEqual(['FORBIDDEN']);
  });
});
