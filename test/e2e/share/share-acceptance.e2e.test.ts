import {
  SharingAcceptSharePartiesDocument,
  SharingCancelShareRecipientDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, type TestServer, type Session } from '../../support/test-server';
import { ACCEPT, LINK, RESEND, DEVICE, edgesOf, useSharing } from './sharing';

describe('links, codes and accepting a share', () => {
  const sharing = useSharing();
  const { device, recipient, share, accept, clock } = sharing;
  let server: TestServer;
  let admin: Session;
  beforeAll(() => ({ server, admin } = sharing));

  describe('links and codes', () => {
    it('shareLink answers the same link again; resendShareInvitation issues a fresh code', async () => {
      const invitation = await share([await device()], 'again@example.com');
      const link = await server.gql(LINK, { id: invitation.share.id }, { token: admin.token });
      expect(link.data!.shareLink).toBe(invitation.shareLink);
      const resent = await server.gql(RESEND, { id: invitation.share.id }, { token: admin.token });
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
      const resent = await server.gql(RESEND, { id: invitation.share.id }, { token: admin.token });
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
      const seen = await server.gql(DEVICE, { id: deviceId }, { token: receiver.token });
      expect(seen.data!.device).toMatchObject({ name: expect.any(String), status: 'UNKNOWN', configuration: null });
      expect(seen.errors).toEqual([expect.objectContaining({ path: ['device', 'configuration'] })]);
    });

    it("the two parties of a share see each other's e-mail", async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      const token = new URL(invitation.shareLink).searchParams.get('token');
      const accepted = await server.gql(
        SharingAcceptSharePartiesDocument,
        { input: { token, enterpriseId: receiver.enterpriseId } },
        { token: receiver.token },
      );
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data!.acceptShare).toEqual({
        sharer: { email: admin.account.email },
        recipient: { email: receiver.account.email },
      });
      const cancelled = await server.gql(
        SharingCancelShareRecipientDocument,
        { id: invitation.share.id },
        { token: admin.token },
      );
      expect(cancelled.data!.cancelShare.recipient!.email).toBe(receiver.account.email);
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
      const created = await server.gql(
        ACCEPT,
        { input: { token, newEnterprise: { name: 'EU branch' } } },
        { token: receiver.token },
      );
      expect(errorCodes(created)).toEqual([]);
      expect(created.data!.acceptShare.receivingEnterprise!.dataCenter).toBe('EU');
    });

    it('a share is accepted once (SHARE_NOT_PENDING afterwards)', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      expect(errorCodes(await accept(receiver, invitation))).toEqual([]);
      expect(errorCodes(await accept(receiver, invitation))).toEqual(['SHARE_NOT_PENDING']);
      const asSharer = { token: admin.token };
      expect(errorCodes(await server.gql(LINK, { id: invitation.share.id }, asSharer))).toEqual(['SHARE_NOT_PENDING']);
      expect(errorCodes(await server.gql(RESEND, { id: invitation.share.id }, asSharer))).toEqual([
        'SHARE_NOT_PENDING',
      ]);
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
});
