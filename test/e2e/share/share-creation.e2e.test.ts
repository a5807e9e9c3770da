import {
  SharingCanShareCodesDocument,
  SharingResendEmailSentDocument,
  SharingShareDevicesEmailSentDocument,
  SharingShareRecipientsDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, type TestServer, type Session } from '../../support/test-server';
import { SHARE, CHECK, edgesOf, useSharing } from './sharing';

describe('creating a share (SPEC §2 rules 1-6) and what the sharing side is told', () => {
  const sharing = useSharing();
  const { device, recipient, input, share, accept } = sharing;
  let server: TestServer;
  let admin: Session;
  let operator: Session;
  let viewer: Session;
  let enterpriseId: string;
  beforeAll(() => ({ server, admin, operator, viewer, enterpriseId } = sharing));

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
      const response = await server.gql(CHECK, input([good, basic], 'dry@example.com'), {
        token: admin.token,
        enterpriseId,
      });
      expect(response.data!.canShareDevices.canShare).toBe(false);
      expect(response.data!.canShareDevices.devices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ deviceId: good, canShare: true, code: null }),
          expect.objectContaining({ deviceId: basic, canShare: false, code: 'PLAN_NOT_ELIGIBLE' }),
        ]),
      );
      const self = await server.gql(CHECK, input([good], admin.account.email), { token: admin.token, enterpriseId });
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

  describe('what the sharing side is told', () => {
    it('shareDevices and resendShareInvitation say whether an e-mail went out: only an address with an account gets one', async () => {
      const unknown = await server.gql(
        SharingShareDevicesEmailSentDocument,
        input([await device()], 'nobody-yet@example.com'),
        { token: admin.token, enterpriseId },
      );
      expect(unknown.data!.shareDevices.emailSent).toBe(false);
      const resent = await server.gql(
        SharingResendEmailSentDocument,
        { id: unknown.data!.shareDevices.share.id },
        { token: admin.token },
      );
      expect(resent.data!.resendShareInvitation.emailSent).toBe(false);

      const known = await recipient();
      const invited = await server.gql(
        SharingShareDevicesEmailSentDocument,
        input([await device()], known.account.email),
        { token: admin.token, enterpriseId },
      );
      expect(invited.data!.shareDevices.emailSent).toBe(true);
      const again = await server.gql(
        SharingResendEmailSentDocument,
        { id: invited.data!.shareDevices.share.id },
        { token: admin.token },
      );
      expect(again.data!.resendShareInvitation.emailSent).toBe(true);
    });

    it('canShareDevices answers its verdicts in the order the devices were asked for', async () => {
      const ids = [await device(), await device('BASIC'), await device()].reverse();
      const check = await server.gql(SharingCanShareCodesDocument, input(ids, 'order@example.com'), {
        token: admin.token,
        enterpriseId,
      });
      expect(check.data!.canShareDevices.devices.map((verdict) => verdict.deviceId)).toEqual(ids);
      expect(check.data!.canShareDevices.devices.map((verdict) => verdict.code)).toEqual([
        null,
        'PLAN_NOT_ELIGIBLE',
        null,
      ]);
    });

    it('shareRecipients: a recipient with a share that never expires has no latest expiry (neverExpires says so)', async () => {
      const RECIPIENTS = SharingShareRecipientsDocument;
      await share([await device()], 'forever-and-dated@example.com');
      await share([await device()], 'forever-and-dated@example.com', admin, { expiresAt: '2027-03-01T00:00:00.000Z' });
      await share([await device()], 'dated-only@example.com', admin, { expiresAt: '2027-02-01T00:00:00.000Z' });
      const listed = await server.gql(RECIPIENTS, {}, { token: admin.token, enterpriseId });
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
});
