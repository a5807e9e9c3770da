import { ManualClock } from '../../support/manual-clock';
import type { DataCenter, DevicePlan } from '../../support/graphql/documents.generated';
import { errorCodes, startTestServer, type Session, type TestServer, nodes } from '../../support/test-server';
import { World, type Team } from '../../support/world';

const SHARE = `mutation ($input: ShareDevicesInput!) {
  shareDevices(input: $input) { shareLink confirmationCode share { id status recipientEmail permissions devices { edges { node { deviceId status } } } } }
}`;
const CHECK = `query ($input: ShareDevicesInput!) {
  canShareDevices(input: $input) { canShare problems devices { deviceId canShare code reason } }
}`;
const ACCEPT = `mutation ($input: AcceptShareInput!) {
  acceptShare(input: $input) { id status receivingEnterprise { id dataCenter } devices { edges { node { deviceId status } } } }
}`;
const CANCEL = `mutation ($id: ID!) { cancelShare(shareId: $id) { id status devices { edges { node { status } } } } }`;
const CANCEL_DEVICES = `mutation ($id: ID!, $deviceIds: [ID!]!) {
  cancelSharedDevices(shareId: $id, deviceIds: $deviceIds) { status devices { edges { node { deviceId status } } } }
}`;
const LINK = `mutation ($id: ID!) { shareLink(shareId: $id) }`;
const RESEND = `mutation ($id: ID!) { resendShareInvitation(shareId: $id) { confirmationCode shareLink } }`;
const DEVICE = `query ($id: ID!) { device(id: $id) { id name status configuration } }`;
const VISIBLE = `query ($id: ID!) { device(id: $id) { id } }`;

/** What a connection of these nodes looks like (first page, edges only). */
const edgesOf = <T>(list: T[]) => ({ edges: list.map((node) => ({ node })) });

type Invitation = {
  shareLink: string;
  confirmationCode: string;
  share: { id: string; status: string; devices: { edges: { node: { deviceId: string; status: string } }[] } };
};

describe('sharing devices', () => {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  let server: TestServer;
  let world: World;
  let acme: Team;
  let admin: Session;
  let operator: Session;
  let viewer: Session;
  let enterpriseId: string;

  const device = (plan: DevicePlan = 'STANDARD', isDemo = false) => world.device(acme, { plan, isDemo });
  /** A recipient with an enterprise of their own in `dataCenter`. */
  const recipient = (dataCenter: DataCenter = 'EU') => world.person('Recipient', dataCenter);

  const input = (deviceIds: string[], recipientEmail: string, extra: Record<string, unknown> = {}) => ({
    input: { deviceIds, recipientEmail, permissions: ['MONITOR', 'CONTROL'], ...extra },
  });

  async function share(deviceIds: string[], recipientEmail: string, by: Session = admin, extra = {}) {
    const response = await server.gql<{ shareDevices: Invitation }>(SHARE, input(deviceIds, recipientEmail, extra), {
      token: by.token,
      enterpriseId,
    });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.shareDevices;
  }

  async function accept(who: { token: string; enterpriseId: string }, invitation: Invitation) {
    const token = new URL(invitation.shareLink).searchParams.get('token');
    return server.gql<{ acceptShare: { status: string; receivingEnterprise: { id: string; dataCenter: string } } }>(
      ACCEPT,
      { input: { token, enterpriseId: who.enterpriseId } },
      { token: who.token },
    );
  }

  beforeAll(async () => {
    server = await startTestServer({ clock, config: { jwtTtlSeconds: 30 * 24 * 3600 } });
    world = new World(server);
    acme = await world.team('Acme', { operator: true, viewer: true });
    ({ admin, enterpriseId } = acme);
    [operator, viewer] = [acme.operator!, acme.viewer!];
  });
  afterAll(() => server.close());

  describe('shareDevices', () => {
    it('creates a PENDING share with a link and a 6-digit code bound to the recipient', async () => {
      const deviceId = await device();
      const invitation = await share([deviceId], ' New.Person@Example.com ');
      expect(invitation.share).toMatchObject({
        status: 'PENDING',
        recipientEmail: 'new.person@example.com',
        permissions: ['MONITOR', 'CONTROL'],
        devices: edgesOf([{ deviceId, status: 'PENDING' }]),
      });
      expect(invitation.shareLink).toMatch(/^http:\/\/devshare\.test\/shares\/accept\?token=/);
      expect(invitation.confirmationCode).toMatch(/^\d{6}$/);
    });

    it('rule 1: an OPERATOR shares (operatorsCanShare is on by default); a VIEWER gets FORBIDDEN', async () => {
      const deviceId = await device();
      await share([deviceId], 'by-operator@example.com', operator);
      const byViewer = await server.gql(SHARE, input([deviceId], 'by-viewer@example.com'), {
        token: viewer.token,
        enterpriseId,
      });
      expect(errorCodes(byViewer)).toEqual(['FORBIDDEN']);
    });

    it('rule 2: a device shared with you cannot be shared on (RESHARE_FORBIDDEN)', async () => {
      const deviceId = await device();
      const receiver = await recipient();
      const accepted = await accept(receiver, await share([deviceId], receiver.account.email));
      expect(errorCodes(accepted)).toEqual([]);
      const reshare = await server.gql(SHARE, input([deviceId], 'third@example.com'), { token: receiver.token });
      expect(errorCodes(reshare)).toEqual(['RESHARE_FORBIDDEN']);
    });

    it('rule 3: a demo device answers DEMO_DEVICE; rule 4: a BASIC device PLAN_NOT_ELIGIBLE', async () => {
      const demo = await device('STANDARD', true);
      const basic = await device('BASIC');
      const token = { token: admin.token, enterpriseId };
      expect(errorCodes(await server.gql(SHARE, input([demo], 'x@example.com'), token))).toEqual(['DEMO_DEVICE']);
      expect(errorCodes(await server.gql(SHARE, input([basic], 'x@example.com'), token))).toEqual([
        'PLAN_NOT_ELIGIBLE',
      ]);
    });

    it('rule 5: a device has at most 5 distinct live recipients (SHARE_LIMIT_REACHED); a current one may get more', async () => {
      const deviceId = await device('ADVANCED');
      for (let i = 1; i <= 5; i++) await share([deviceId], `limit${i}@example.com`);
      const sixth = await server.gql(SHARE, input([deviceId], 'limit6@example.com'), {
        token: admin.token,
        enterpriseId,
      });
      expect(errorCodes(sixth)).toEqual(['SHARE_LIMIT_REACHED']);
      await share([deviceId], 'limit1@example.com', admin, { permissions: ['REPORTS'] });
    });

    it('rule 6: not to oneself, not to a member, a permission, a future expiry within 10 years (BAD_USER_INPUT)', async () => {
      const deviceId = await device();
      const cases: [string, Record<string, unknown>][] = [
        [admin.account.email, {}],
        [viewer.account.email, {}],
        ['ok@example.com', { permissions: [] }],
        ['ok@example.com', { expiresAt: '2026-11-24T11:59:59Z' }],
        ['ok@example.com', { expiresAt: '2036-11-25T00:00:00Z' }],
      ];
      for (const [email, extra] of cases) {
        const response = await server.gql(SHARE, input([deviceId], email, extra), { token: admin.token, enterpriseId });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('a bulk request names every refused device and why, and writes nothing', async () => {
      const good = await device();
      const demo = await device('STANDARD', true);
      const basic = await device('BASIC');
      const response = await server.gql(SHARE, input([good, demo, basic], 'bulk@example.com'), {
        token: admin.token,
        enterpriseId,
      });
      expect(errorCodes(response)).toHaveLength(1);
      const refused = response.errors![0].extensions!.devices as { deviceId: string; code: string }[];
      expect(new Map(refused.map((verdict) => [verdict.deviceId, verdict.code]))).toEqual(
        new Map([
          [demo, 'DEMO_DEVICE'],
          [basic, 'PLAN_NOT_ELIGIBLE'],
        ]),
      );
      const shares = await server.app.db.dataSource.query(
        `SELECT COUNT(*) AS n FROM shared_device WHERE "deviceId" = '${good}'`,
      );
      expect(Number(shares[0].n)).toBe(0);
    });

    it('canShareDevices gives the same verdicts per device without writing anything', async () => {
      const good = await device();
      const basic = await device('BASIC');
      const response = await server.gql<{
        canShareDevices: {
          canShare: boolean;
          problems: string[];
          devices: { deviceId: string; code: string | null }[];
        };
      }>(CHECK, input([good, basic], 'dry@example.com'), { token: admin.token, enterpriseId });
      expect(response.data!.canShareDevices.canShare).toBe(false);
      expect(response.data!.canShareDevices.devices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ deviceId: good, canShare: true, code: null }),
          expect.objectContaining({ deviceId: basic, canShare: false, code: 'PLAN_NOT_ELIGIBLE' }),
        ]),
      );
      const self = await server.gql<{ canShareDevices: { problems: string[] } }>(
        CHECK,
        input([good], admin.account.email),
        { token: admin.token, enterpriseId },
      );
      expect(self.data!.canShareDevices.problems).toEqual(['You cannot share devices with yourself']);
      const rows = await server.app.db.dataSource.query(
        `SELECT COUNT(*) AS n FROM shared_device WHERE "deviceId" = '${good}'`,
      );
      expect(Number(rows[0].n)).toBe(0);
    });

    it('20 parallel shares of one device to 20 recipients leave exactly 5 live shares', async () => {
      const deviceId = await device();
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          server.gql(SHARE, input([deviceId], `parallel${i}@example.com`), { token: admin.token, enterpriseId }),
        ),
      );
      const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK');
      expect(codes.filter((code) => code === 'OK')).toHaveLength(5);
      expect(codes.filter((code) => code === 'SHARE_LIMIT_REACHED')).toHaveLength(15);
    });

    it('neither the link token nor the code is stored in plain text', async () => {
      const invitation = await share([await device()], 'secret@example.com');
      const token = new URL(invitation.shareLink).searchParams.get('token')!;
      const [row] = await server.app.db.dataSource.query(`SELECT * FROM share WHERE id = '${invitation.share.id}'`);
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(token.split('.')[1]);
      expect(stored).not.toContain(invitation.confirmationCode);
    });
  });

  describe('links and codes', () => {
    it('shareLink answers the same link again; resendShareInvitation issues a fresh code', async () => {
      const invitation = await share([await device()], 'again@example.com');
      const link = await server.gql<{ shareLink: string }>(LINK, { id: invitation.share.id }, { token: admin.token });
      expect(link.data!.shareLink).toBe(invitation.shareLink);
      const resent = await server.gql<{ resendShareInvitation: { confirmationCode: string; shareLink: string } }>(
        RESEND,
        { id: invitation.share.id },
        { token: admin.token },
      );
      expect(resent.data!.resendShareInvitation.shareLink).toBe(invitation.shareLink);
      expect(resent.data!.resendShareInvitation.confirmationCode).toMatch(/^\d{6}$/);
    });

    // That the e-mail carries the fresh code is proven over SMTP in mail.e2e.test.ts.
    it('resendShareInvitation e-mails a recipient who has an account again; the outbox holds only the share id', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      await server.gql(RESEND, { id: invitation.share.id }, { token: admin.token });
      const mails: { to: string; payload: string }[] = await server.app.db.dataSource.query(
        `SELECT "to", payload FROM outbox_message WHERE template = 'invitation' AND payload LIKE '%${invitation.share.id}%' ORDER BY id`,
      );
      expect(mails.map((mail) => ({ to: mail.to, payload: JSON.parse(mail.payload) }))).toEqual([
        { to: receiver.account.email, payload: { shareId: invitation.share.id } },
        { to: receiver.account.email, payload: { shareId: invitation.share.id } },
      ]);
    });

    it('accepting with shareId + code works; five wrong codes lock it (CODE_LOCKED) until it is re-sent', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      const wrong = invitation.confirmationCode === '000000' ? '111111' : '000000';
      const attempt = (code: string) =>
        server.gql(
          ACCEPT,
          { input: { shareId: invitation.share.id, code, enterpriseId: receiver.enterpriseId } },
          { token: receiver.token },
        );
      for (let i = 0; i < 4; i++) expect(errorCodes(await attempt(wrong))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await attempt(wrong))).toEqual(['CODE_LOCKED']);
      expect(errorCodes(await attempt(invitation.confirmationCode))).toEqual(['CODE_LOCKED']);
      const resent = await server.gql<{ resendShareInvitation: { confirmationCode: string } }>(
        RESEND,
        { id: invitation.share.id },
        { token: admin.token },
      );
      const accepted = await attempt(resent.data!.resendShareInvitation.confirmationCode);
      expect(errorCodes(accepted)).toEqual([]);
    });
  });

  describe('acceptShare', () => {
    it('the recipient accepts with the link into an enterprise of theirs: both sides see ACTIVE', async () => {
      const deviceId = await device();
      const receiver = await recipient();
      const invitation = await share([deviceId], receiver.account.email);
      const accepted = await accept(receiver, invitation);
      expect(accepted.data!.acceptShare).toMatchObject({
        status: 'ACTIVE',
        receivingEnterprise: { id: receiver.enterpriseId },
        devices: edgesOf([{ deviceId, status: 'ACTIVE' }]),
      });
      const seen = await server.gql<{ device: { name: string; status: string | null } }>(
        DEVICE,
        { id: deviceId },
        { token: receiver.token },
      );
      expect(seen.data!.device).toMatchObject({ name: expect.any(String), status: 'UNKNOWN', configuration: null });
      expect(seen.errors).toEqual([expect.objectContaining({ path: ['device', 'configuration'] })]);
    });

    it("the two parties of a share see each other's e-mail", async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      const token = new URL(invitation.shareLink).searchParams.get('token');
      const accepted = await server.gql<{ acceptShare: { sharer: { email: string }; recipient: { email: string } } }>(
        `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { sharer { email } recipient { email } } }`,
        { input: { token, enterpriseId: receiver.enterpriseId } },
        { token: receiver.token },
      );
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data!.acceptShare).toEqual({
        sharer: { email: admin.account.email },
        recipient: { email: receiver.account.email },
      });
      const cancelled = await server.gql<{ cancelShare: { recipient: { email: string } } }>(
        `mutation ($id: ID!) { cancelShare(shareId: $id) { recipient { email } } }`,
        { id: invitation.share.id },
        { token: admin.token },
      );
      expect(cancelled.data!.cancelShare.recipient.email).toBe(receiver.account.email);
    });

    it('another account than the recipient gets FORBIDDEN', async () => {
      const invitation = await share([await device()], 'intended@example.com');
      const other = await recipient();
      expect(errorCodes(await accept(other, invitation))).toEqual(['FORBIDDEN']);
    });

    it('a receiving enterprise in another data center answers DATA_CENTER_MISMATCH; a new one is created in the right one', async () => {
      const receiver = await recipient('US');
      const invitation = await share([await device()], receiver.account.email);
      expect(errorCodes(await accept(receiver, invitation))).toEqual(['DATA_CENTER_MISMATCH']);
      const token = new URL(invitation.shareLink).searchParams.get('token');
      const created = await server.gql<{ acceptShare: { receivingEnterprise: { dataCenter: string } } }>(
        ACCEPT,
        { input: { token, newEnterprise: { name: 'EU branch' } } },
        { token: receiver.token },
      );
      expect(errorCodes(created)).toEqual([]);
      expect(created.data!.acceptShare.receivingEnterprise.dataCenter).toBe('EU');
    });

    it('a share is accepted once (SHARE_NOT_PENDING afterwards)', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      expect(errorCodes(await accept(receiver, invitation))).toEqual([]);
      expect(errorCodes(await accept(receiver, invitation))).toEqual(['SHARE_NOT_PENDING']);
      for (const mutation of [LINK, RESEND]) {
        expect(errorCodes(await server.gql(mutation, { id: invitation.share.id }, { token: admin.token }))).toEqual([
          'SHARE_NOT_PENDING',
        ]);
      }
    });

    it('after the invitation deadline (7 days) accepting answers INVITATION_EXPIRED', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      // The expiry sweep must not run a week ahead: it would expire this share first (and, still
      // running once the clock is back, the shares of the tests after this one).
      await server.app.services.expiry.stop();
      clock.advance(7 * 24 * 3600 * 1000 + 1000);
      try {
        expect(errorCodes(await accept(receiver, invitation))).toEqual(['INVITATION_EXPIRED']);
      } finally {
        clock.advance(-(7 * 24 * 3600 * 1000 + 1000));
        await server.app.services.expiry.start();
      }
    });
  });

  describe('cancelling', () => {
    it('cancelShare cancels every device; the recipient no longer sees them; a second cancel is SHARE_NOT_ACTIVE', async () => {
      const deviceId = await device();
      const receiver = await recipient();
      const invitation = await share([deviceId], receiver.account.email);
      await accept(receiver, invitation);
      const cancelled = await server.gql<{
        cancelShare: { status: string; devices: { edges: { node: { status: string } }[] } };
      }>(CANCEL, { id: invitation.share.id }, { token: admin.token });
      expect(cancelled.data!.cancelShare).toMatchObject({
        status: 'CANCELLED',
        devices: edgesOf([{ status: 'CANCELLED' }]),
      });
      expect(errorCodes(await server.gql(VISIBLE, { id: deviceId }, { token: receiver.token }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token }))).toEqual([
        'SHARE_NOT_ACTIVE',
      ]);
    });

    it('cancelSharedDevices takes some devices out; the last one cancels the share', async () => {
      const [first, second] = [await device(), await device()];
      const receiver = await recipient();
      const invitation = await share([first, second], receiver.account.email);
      await accept(receiver, invitation);
      const some = await server.gql<{ cancelSharedDevices: { status: string } }>(
        CANCEL_DEVICES,
        { id: invitation.share.id, deviceIds: [first] },
        { token: admin.token },
      );
      // Seen failing once on PostgreSQL under load with no data: this says with which error.
      expect(some.errors).toBeUndefined();
      expect(some.data!.cancelSharedDevices.status).toBe('ACTIVE');
      expect(errorCodes(await server.gql(VISIBLE, { id: first }, { token: receiver.token }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await server.gql(VISIBLE, { id: second }, { token: receiver.token }))).toEqual([]);
      const last = await server.gql<{ cancelSharedDevices: { status: string } }>(
        CANCEL_DEVICES,
        { id: invitation.share.id, deviceIds: [second] },
        { token: admin.token },
      );
      expect(last.data!.cancelSharedDevices.status).toBe('CANCELLED');
    });

    it('the recipient may not cancel (FORBIDDEN); a stranger does not see the share (NOT_FOUND)', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      await accept(receiver, invitation);
      const stranger = await server.signUp();
      expect(errorCodes(await server.gql(CANCEL, { id: invitation.share.id }, { token: receiver.token }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await server.gql(CANCEL, { id: invitation.share.id }, { token: stranger.token }))).toEqual([
        'NOT_FOUND',
      ]);
    });

    it('accept racing cancel ends in one consistent state', async () => {
      for (let round = 0; round < 5; round++) {
        const deviceId = await device();
        const receiver = await recipient();
        const invitation = await share([deviceId], receiver.account.email);
        const [accepted, cancelled] = await Promise.all([
          accept(receiver, invitation),
          server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token }),
        ]);
        expect(errorCodes(cancelled)).toEqual([]);
        const [row] = await server.app.db.dataSource.query(
          `SELECT status FROM share WHERE id = '${invitation.share.id}'`,
        );
        expect(row.status).toBe('CANCELLED');
        expect(errorCodes(accepted).length === 0 || errorCodes(accepted)[0] === 'SHARE_NOT_PENDING').toBe(true);
        const devices = await server.app.db.dataSource.query(
          `SELECT status FROM shared_device WHERE "shareId" = '${invitation.share.id}'`,
        );
        expect(devices).toEqual([{ status: 'CANCELLED' }]);
      }
    });
  });

  describe('changing a share', () => {
    const ADD = `mutation ($id: ID!, $deviceIds: [ID!]!) {
      addDevicesToShare(shareId: $id, deviceIds: $deviceIds) { status devices { edges { node { deviceId status } } } }
    }`;
    const EXTEND = `mutation ($input: ExtendShareInput!) { extendShare(input: $input) { expiresAt } }`;

    it('addDevicesToShare: added devices take the share’s status; a device already in it is a CONFLICT', async () => {
      const [first, second, basic] = [await device(), await device(), await device('BASIC')];
      const receiver = await recipient();
      const invitation = await share([first], receiver.account.email);
      await accept(receiver, invitation);
      const added = await server.gql<{
        addDevicesToShare: { devices: { edges: { node: { deviceId: string; status: string } }[] } };
      }>(ADD, { id: invitation.share.id, deviceIds: [second] }, { token: admin.token });
      expect(nodes(added.data!.addDevicesToShare.devices)).toEqual([
        { deviceId: first, status: 'ACTIVE' },
        { deviceId: second, status: 'ACTIVE' },
      ]);
      const again = await server.gql(ADD, { id: invitation.share.id, deviceIds: [first] }, { token: admin.token });
      expect(errorCodes(again)).toEqual(['CONFLICT']);
      const ineligible = await server.gql(ADD, { id: invitation.share.id, deviceIds: [basic] }, { token: admin.token });
      expect(errorCodes(ineligible)).toEqual(['PLAN_NOT_ELIGIBLE']);
    });

    it('extendShare counts from the current expiry, or sets a later instant; never earlier', async () => {
      const invitation = await share([await device()], 'extend@example.com', admin, {
        expiresAt: '2026-12-24T12:00:00.000Z',
      });
      const id = invitation.share.id;
      const byDays = await server.gql<{ extendShare: { expiresAt: string } }>(
        EXTEND,
        { input: { shareId: id, byDays: 30 } },
        { token: admin.token },
      );
      expect(byDays.data!.extendShare.expiresAt).toBe('2027-01-23T12:00:00.000Z');
      const until = await server.gql<{ extendShare: { expiresAt: string } }>(
        EXTEND,
        { input: { shareId: id, until: '2027-06-01T00:00:00.000Z' } },
        { token: admin.token },
      );
      expect(until.data!.extendShare.expiresAt).toBe('2027-06-01T00:00:00.000Z');
      const earlier = await server.gql(
        EXTEND,
        { input: { shareId: id, until: '2027-01-01T00:00:00Z' } },
        { token: admin.token },
      );
      expect(errorCodes(earlier)).toEqual(['BAD_USER_INPUT']);
    });

    it('extendShare: a share that never expires cannot be extended; a cancelled one is SHARE_NOT_ACTIVE', async () => {
      const forever = await share([await device()], 'forever@example.com');
      const response = await server.gql(
        EXTEND,
        { input: { shareId: forever.share.id, byDays: 1 } },
        { token: admin.token },
      );
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      await server.gql(CANCEL, { id: forever.share.id }, { token: admin.token });
      const cancelled = await server.gql(
        EXTEND,
        { input: { shareId: forever.share.id, byDays: 1 } },
        { token: admin.token },
      );
      expect(errorCodes(cancelled)).toEqual(['SHARE_NOT_ACTIVE']);
    });

    it('cancelSharesTo cancels every live share of the enterprise to that recipient', async () => {
      const first = await share([await device()], 'everything@example.com');
      const second = await share([await device()], 'everything@example.com', admin, { permissions: ['REPORTS'] });
      const response = await server.gql<{ cancelSharesTo: { id: string; status: string }[] }>(
        `mutation ($email: Email!) { cancelSharesTo(recipientEmail: $email) { id status } }`,
        { email: 'Everything@example.com' },
        { token: admin.token, enterpriseId },
      );
      expect(response.data!.cancelSharesTo.map((cancelled) => cancelled.status)).toEqual(['CANCELLED', 'CANCELLED']);
      expect(new Set(response.data!.cancelSharesTo.map((cancelled) => cancelled.id))).toEqual(
        new Set([first.share.id, second.share.id]),
      );
    });

    it('cancelSharesTo by a VIEWER is FORBIDDEN, like every sharing mutation, and cancels nothing', async () => {
      const kept = await share([await device()], 'kept@example.com');
      const response = await server.gql(
        `mutation ($email: Email!) { cancelSharesTo(recipientEmail: $email) { id } }`,
        { email: 'kept@example.com' },
        { token: viewer.token, enterpriseId },
      );
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      const still = await server.gql<{ share: { status: string } }>(
        `query ($id: ID!) { share(id: $id) { status } }`,
        { id: kept.share.id },
        { token: admin.token },
      );
      expect(still.data!.share.status).toBe('PENDING');
    });
  });

  describe('what the sharing side is told', () => {
    const RESEND = `mutation ($id: ID!) { resendShareInvitation(shareId: $id) { emailSent confirmationCode } }`;

    it('shareDevices and resendShareInvitation say whether an e-mail went out: only an address with an account gets one', async () => {
      const unknown = await server.gql<{ shareDevices: { emailSent: boolean; share: { id: string } } }>(
        `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { emailSent share { id } } }`,
        input([await device()], 'nobody-yet@example.com'),
        { token: admin.token, enterpriseId },
      );
      expect(unknown.data!.shareDevices.emailSent).toBe(false);
      const resent = await server.gql<{ resendShareInvitation: { emailSent: boolean } }>(
        RESEND,
        { id: unknown.data!.shareDevices.share.id },
        { token: admin.token },
      );
      expect(resent.data!.resendShareInvitation.emailSent).toBe(false);

      const known = await recipient();
      const invited = await server.gql<{ shareDevices: { emailSent: boolean; share: { id: string } } }>(
        `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { emailSent share { id } } }`,
        input([await device()], known.account.email),
        { token: admin.token, enterpriseId },
      );
      expect(invited.data!.shareDevices.emailSent).toBe(true);
      const again = await server.gql<{ resendShareInvitation: { emailSent: boolean } }>(
        RESEND,
        { id: invited.data!.shareDevices.share.id },
        { token: admin.token },
      );
      expect(again.data!.resendShareInvitation.emailSent).toBe(true);
    });

    it('canShareDevices answers its verdicts in the order the devices were asked for', async () => {
      const ids = [await device(), await device('BASIC'), await device()].reverse();
      const check = await server.gql<{ canShareDevices: { devices: { deviceId: string; code: string | null }[] } }>(
        `query ($input: ShareDevicesInput!) { canShareDevices(input: $input) { devices { deviceId code } } }`,
        input(ids, 'order@example.com'),
        { token: admin.token, enterpriseId },
      );
      expect(check.data!.canShareDevices.devices.map((verdict) => verdict.deviceId)).toEqual(ids);
      expect(check.data!.canShareDevices.devices.map((verdict) => verdict.code)).toEqual([
        null,
        'PLAN_NOT_ELIGIBLE',
        null,
      ]);
    });

    it('shareRecipients: a recipient with a share that never expires has no latest expiry (neverExpires says so)', async () => {
      const RECIPIENTS = `{ shareRecipients(first: 100) { edges { node { recipientEmail latestExpiresAt neverExpires } } } }`;
      await share([await device()], 'forever-and-dated@example.com');
      await share([await device()], 'forever-and-dated@example.com', admin, { expiresAt: '2027-03-01T00:00:00.000Z' });
      await share([await device()], 'dated-only@example.com', admin, { expiresAt: '2027-02-01T00:00:00.000Z' });
      const listed = await server.gql<{
        shareRecipients: {
          edges: { node: { recipientEmail: string; latestExpiresAt: string | null; neverExpires: boolean } }[];
        };
      }>(RECIPIENTS, {}, { token: admin.token, enterpriseId });
      const byEmail = new Map(
        listed.data!.shareRecipients.edges.map(({ node }) => [node.recipientEmail, node] as const),
      );
      expect(byEmail.get('forever-and-dated@example.com')).toMatchObject({
        latestExpiresAt: null,
        neverExpires: true,
      });
      expect(byEmail.get('dated-only@example.com')).toMatchObject({
        latestExpiresAt: '2027-02-01T00:00:00.000Z',
        neverExpires: false,
      });
    });
  });

  describe('the recipient and the owner side', () => {
    const REMOVE = `mutation ($id: ID!, $deviceId: ID!) {
      removeSharedDevice(shareId: $id, deviceId: $deviceId) { status devices { edges { node { deviceId status } } } }
    }`;

    it('removeSharedDevice: the recipient removes a device from their view; the sharer may not (FORBIDDEN)', async () => {
      const [first, second] = [await device(), await device()];
      const receiver = await recipient();
      const invitation = await share([first, second], receiver.account.email);
      await accept(receiver, invitation);
      const bySharer = await server.gql(REMOVE, { id: invitation.share.id, deviceId: first }, { token: admin.token });
      expect(errorCodes(bySharer)).toEqual(['FORBIDDEN']);
      const removed = await server.gql<{
        removeSharedDevice: { status: string; devices: { edges: { node: { status: string } }[] } };
      }>(REMOVE, { id: invitation.share.id, deviceId: first }, { token: receiver.token });
      expect(removed.data!.removeSharedDevice.status).toBe('ACTIVE');
      expect(errorCodes(await server.gql(VISIBLE, { id: first }, { token: receiver.token }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await server.gql(VISIBLE, { id: first }, { token: admin.token }))).toEqual([]);
      const last = await server.gql<{ removeSharedDevice: { status: string } }>(
        REMOVE,
        { id: invitation.share.id, deviceId: second },
        { token: receiver.token },
      );
      expect(last.data!.removeSharedDevice.status).toBe('CANCELLED');
    });

    it('deleting a device ends its shares: DELETED in each, and a share left empty is cancelled', async () => {
      const [kept, deleted] = [await device(), await device()];
      const receiver = await recipient();
      const both = await share([kept, deleted], receiver.account.email);
      const only = await share([deleted], 'only@example.com');
      await accept(receiver, both);
      const response = await server.gql(
        `mutation ($id: ID!) { deleteDevice(deviceId: $id) }`,
        { id: deleted },
        {
          token: admin.token,
        },
      );
      expect(errorCodes(response)).toEqual([]);
      const rows = await server.app.db.dataSource.query(
        `SELECT s.id, s.status AS share, sd.status AS device FROM shared_device sd JOIN share s ON s.id = sd."shareId" WHERE sd."deviceId" = '${deleted}'`,
      );
      expect(
        new Map(rows.map((row: { id: string; share: string; device: string }) => [row.id, [row.share, row.device]])),
      ).toEqual(
        new Map([
          [both.share.id, ['ACTIVE', 'DELETED']],
          [only.share.id, ['CANCELLED', 'DELETED']],
        ]),
      );
    });

    it('a device falling to BASIC stays shared but degraded: MONITOR stays, CONFIGURE goes, until it is raised again', async () => {
      const deviceId = await device('ADVANCED');
      const receiver = await recipient();
      const invitation = await share([deviceId], receiver.account.email, admin, {
        permissions: ['MONITOR', 'CONFIGURE'],
        expiresAt: '2027-06-01T00:00:00.000Z',
      });
      await accept(receiver, invitation);
      const PLAN = `mutation ($id: ID!, $plan: DevicePlan!) { changeDevicePlan(deviceId: $id, plan: $plan) { plan } }`;
      const STATE = `query ($id: ID!) { device(id: $id) { status configuration } }`;
      expect(errorCodes(await server.gql(STATE, { id: deviceId }, { token: receiver.token }))).toEqual([]);
      await server.gql(PLAN, { id: deviceId, plan: 'BASIC' }, { token: admin.token });
      const shareState = async () => {
        const response = await server.gql<{
          extendShare: { degraded: boolean; devices: { edges: { node: { effectivePermissions: string[] } }[] } };
        }>(
          `mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 1 }) { degraded devices { edges { node { effectivePermissions } } } } }`,
          { id: invitation.share.id },
          { token: admin.token },
        );
        return response.data!.extendShare;
      };
      expect(await shareState()).toEqual({ degraded: true, devices: edgesOf([{ effectivePermissions: ['MONITOR'] }]) });
      const degraded = await server.gql<{ device: { status: string; configuration: null } }>(
        STATE,
        { id: deviceId },
        { token: receiver.token },
      );
      expect(degraded.data!.device.status).toBe('UNKNOWN');
      expect(errorCodes(degraded)).toEqual(['FORBIDDEN']);
      expect(degraded.errors![0].path).toEqual(['device', 'configuration']);
      await server.gql(PLAN, { id: deviceId, plan: 'STANDARD' }, { token: admin.token });
      expect(errorCodes(await server.gql(STATE, { id: deviceId }, { token: receiver.token }))).toEqual([]);
      expect(await shareState()).toEqual({
        degraded: false,
        devices: edgesOf([{ effectivePermissions: ['MONITOR', 'CONFIGURE'] }]),
      });
      const events = await server.app.db.dataSource.query(
        `SELECT type, status FROM share_event WHERE "shareId" = '${invitation.share.id}' ORDER BY cursor`,
      );
      expect(events.map((event: { type: string }) => event.type)).toEqual([
        'CREATED',
        'ACCEPTED',
        'DEGRADED',
        'EXTENDED',
        'RESTORED',
        'EXTENDED',
      ]);
    });
  });

  it('every change writes its ShareEvent with a growing cursor, an audit event and its e-mails', async () => {
    const receiver = await recipient();
    const deviceId = await device();
    const invitation = await share([deviceId], receiver.account.email);
    await accept(receiver, invitation);
    await server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token });
    const events = await server.app.db.dataSource.query(
      `SELECT cursor, type, "previousStatus", status FROM share_event WHERE "shareId" = '${invitation.share.id}' ORDER BY cursor`,
    );
    expect(
      events.map((event: { type: string; previousStatus: string | null; status: string }) => [
        event.type,
        event.previousStatus,
        event.status,
      ]),
    ).toEqual([
      ['CREATED', null, 'PENDING'],
      ['ACCEPTED', 'PENDING', 'ACTIVE'],
      ['CANCELLED', 'ACTIVE', 'CANCELLED'],
    ]);
    const cursors = events.map((event: { cursor: string | number }) => Number(event.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    const audit = await server.app.db.dataSource.query(
      `SELECT action FROM audit_event WHERE "targetId" = '${invitation.share.id}' ORDER BY id`,
    );
    expect(audit.map((row: { action: string }) => row.action)).toEqual([
      'share.created',
      'share.accepted',
      'share.cancelled',
    ]);
    const mails = await server.app.db.dataSource.query(
      `SELECT "to", template FROM outbox_message WHERE payload LIKE '%${invitation.share.id}%' ORDER BY id`,
    );
    expect(mails).toEqual([
      { to: receiver.account.email, template: 'invitation' },
      { to: admin.account.email, template: 'accepted' },
      { to: receiver.account.email, template: 'cancelled' },
    ]);
  });
});
