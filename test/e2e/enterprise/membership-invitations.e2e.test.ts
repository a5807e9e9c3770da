import { randomUUID } from 'node:crypto';
import { eventually } from '../../support/eventually';
import { startSmtp } from '../../support/test-smtp';
import { errorCodes, nodes, startTestServer, type TestServer, type Session } from '../../support/test-server';
import {
  EnterprisesAcceptMembershipDocument,
  EnterprisesAddMemberDocument,
  EnterprisesCreateDocument,
  EnterprisesDeclineMembershipDocument,
  EnterprisesEnterpriseDocument,
  EnterprisesInvitationsDocument,
  EnterprisesInviteeViewDocument,
  EnterprisesRevokeInvitationDocument,
} from '../../support/graphql/documents.generated';
import { DAY_MS, useEnterprises } from './enterprises';

describe('inviting members: addMember, answering, expiry and revocation', () => {
  const enterprises = useEnterprises();
  const { enterpriseWith, invite, myInvitations, clock } = enterprises;
  let server: TestServer;
  beforeAll(() => ({ server } = enterprises));

  it('addMember of an e-mail without an account answers a PENDING invitation, which its owner sees after signing up', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const email = `later-${randomUUID()}@example.com`;
    const invitation = await invite(admin, enterpriseId, email, 'OPERATOR');
    expect(invitation).toMatchObject({ email, role: 'OPERATOR', status: 'PENDING' });
    const newcomer = await server.signUp('Newcomer', email);
    expect(await myInvitations(newcomer)).toEqual([expect.objectContaining({ id: invitation.id, role: 'OPERATOR' })]);
  });

  it('addMember without enterpriseId invites into the acting enterprise', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const invitee = await server.signUp();
    const response = await server.gql(
      EnterprisesAddMemberDocument,
      { input: { email: invitee.account.email, role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(response.data!.addMember.enterprise.id).toBe(enterpriseId);
  });

  it('addMember of the same e-mail again refreshes its PENDING invitation: same id, new role, new deadline', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const invitee = await server.signUp();
    const first = await invite(admin, enterpriseId, invitee.account.email, 'VIEWER');
    clock.advance(DAY_MS);
    const second = await invite(admin, enterpriseId, invitee.account.email, 'OPERATOR');
    expect(second).toMatchObject({
      id: first.id,
      role: 'OPERATOR',
      status: 'PENDING',
      createdAt: first.createdAt,
      expiresAt: new Date(clock.now().getTime() + 14 * DAY_MS).toISOString(),
    });
    expect(await myInvitations(invitee)).toEqual([expect.objectContaining({ id: first.id, role: 'OPERATOR' })]);
  });

  it('addMember answers CONFLICT for an account that is already a member', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql(
      EnterprisesAddMemberDocument,
      { input: { enterpriseId, email: members[0].account.email, role: 'OPERATOR' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('addMember of your own e-mail answers BAD_USER_INPUT', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const response = await server.gql(
      EnterprisesAddMemberDocument,
      { input: { enterpriseId, email: admin.account.email, role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('only ADMINs add members: OPERATOR and VIEWER get FORBIDDEN, a non-member NOT_FOUND', async () => {
    const { enterpriseId, members } = await enterpriseWith(['OPERATOR', 'VIEWER']);
    const candidate = await server.signUp();
    const stranger = await server.signUp();
    const input = { enterpriseId, email: candidate.account.email, role: 'VIEWER' as const };
    for (const member of members) {
      expect(errorCodes(await server.gql(EnterprisesAddMemberDocument, { input }, { token: member.token }))).toEqual([
        'FORBIDDEN',
      ]);
    }
    expect(errorCodes(await server.gql(EnterprisesAddMemberDocument, { input }, { token: stranger.token }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it("the invitee sees the enterprise's name and who invited, nothing else of the enterprise (FORBIDDEN)", async () => {
    const { enterpriseId, admin } = await enterpriseWith(['OPERATOR']);
    const invitee = await server.signUp();
    await invite(admin, enterpriseId, invitee.account.email);
    const response = await server.gql(EnterprisesInviteeViewDocument, {}, { token: invitee.token });
    expect(nodes(response.data!.myMembershipInvitations)).toEqual([
      {
        enterprise: { name: 'Acme', myRole: null, settings: null, members: null },
        invitedBy: { name: 'Admin', email: null },
      },
    ]);
    expect(response.errors!.map((error) => [error.path!.slice(4).join('.'), error.extensions!.code]).sort()).toEqual([
      ['enterprise.members', 'FORBIDDEN'],
      ['enterprise.settings', 'FORBIDDEN'],
      ['invitedBy.email', 'FORBIDDEN'],
    ]);
  });

  it('an invitation can be answered once: accepting or declining again answers CONFLICT', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const [joiner, decliner] = [await server.signUp(), await server.signUp()];
    const joined = await invite(admin, enterpriseId, joiner.account.email);
    const declined = await invite(admin, enterpriseId, decliner.account.email);
    expect(
      errorCodes(await server.gql(EnterprisesAcceptMembershipDocument, { id: joined.id }, { token: joiner.token })),
    ).toEqual([]);
    expect(
      errorCodes(
        await server.gql(EnterprisesDeclineMembershipDocument, { id: declined.id }, { token: decliner.token }),
      ),
    ).toEqual([]);
    for (const [session, id] of [
      [joiner, joined.id],
      [decliner, declined.id],
    ] as const) {
      expect(
        errorCodes(await server.gql(EnterprisesAcceptMembershipDocument, { id }, { token: session.token })),
      ).toEqual(['CONFLICT']);
      expect(
        errorCodes(await server.gql(EnterprisesDeclineMembershipDocument, { id }, { token: session.token })),
      ).toEqual(['CONFLICT']);
    }
  });

  it('an invitation expires after 14 days: INVITATION_EXPIRED for the invitee, EXPIRED for the ADMINs, renewed by inviting again', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const invitee = await server.signUp();
    const invitation = await invite(admin, enterpriseId, invitee.account.email);
    clock.advance(14 * DAY_MS);
    expect(await myInvitations(invitee)).toEqual([]);
    expect(
      errorCodes(
        await server.gql(EnterprisesAcceptMembershipDocument, { id: invitation.id }, { token: invitee.token }),
      ),
    ).toEqual(['INVITATION_EXPIRED']);
    const listed = await server.gql(EnterprisesInvitationsDocument, { id: enterpriseId }, { token: admin.token });
    expect(nodes(listed.data!.enterprise.membershipInvitations)).toEqual([
      { id: invitation.id, email: invitee.account.email, role: 'VIEWER', status: 'EXPIRED' },
    ]);
    const renewed = await invite(admin, enterpriseId, invitee.account.email);
    expect(renewed).toMatchObject({ id: invitation.id, status: 'PENDING' });
    expect(
      errorCodes(
        await server.gql(EnterprisesAcceptMembershipDocument, { id: invitation.id }, { token: invitee.token }),
      ),
    ).toEqual([]);
  });

  it('enterprise.membershipInvitations lists the unanswered invitations, newest first, to ADMINs only', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const [joiner, waiting] = [await server.signUp(), await server.signUp()];
    const joined = await invite(admin, enterpriseId, joiner.account.email);
    await server.gql(EnterprisesAcceptMembershipDocument, { id: joined.id }, { token: joiner.token });
    const first = await invite(admin, enterpriseId, waiting.account.email, 'OPERATOR');
    const second = await invite(admin, enterpriseId, 'nobody-yet@example.com', 'VIEWER');
    const listed = await server.gql(EnterprisesInvitationsDocument, { id: enterpriseId }, { token: admin.token });
    expect(nodes(listed.data!.enterprise.membershipInvitations).map((node) => node.id)).toEqual([second.id, first.id]);
    const byOperator = await server.gql(
      EnterprisesInvitationsDocument,
      { id: enterpriseId },
      { token: members[0].token },
    );
    expect(byOperator.data!.enterprise.membershipInvitations).toBeNull();
    expect(byOperator.errors).toEqual([
      expect.objectContaining({
        path: ['enterprise', 'membershipInvitations'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
  });

  it('revokeMembershipInvitation: an ADMIN withdraws it, and the invitee can no longer accept (CONFLICT)', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const invitee = await server.signUp();
    const invitation = await invite(admin, enterpriseId, invitee.account.email);
    const revoked = await server.gql(
      EnterprisesRevokeInvitationDocument,
      { id: invitation.id },
      { token: admin.token },
    );
    expect(revoked.data!.revokeMembershipInvitation).toEqual({
      id: invitation.id,
      status: 'REVOKED',
      answeredAt: clock.now().toISOString(),
    });
    expect(await myInvitations(invitee)).toEqual([]);
    expect(
      errorCodes(
        await server.gql(EnterprisesAcceptMembershipDocument, { id: invitation.id }, { token: invitee.token }),
      ),
    ).toEqual(['CONFLICT']);
    expect(
      errorCodes(await server.gql(EnterprisesRevokeInvitationDocument, { id: invitation.id }, { token: admin.token })),
    ).toEqual(['CONFLICT']);
  });

  it('revokeMembershipInvitation: FORBIDDEN for an OPERATOR, NOT_FOUND for the invitee and for a stranger', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const invitee = await server.signUp();
    const stranger = await server.signUp();
    const invitation = await invite(admin, enterpriseId, invitee.account.email);
    const revoke = (session: Session) =>
      server.gql(EnterprisesRevokeInvitationDocument, { id: invitation.id }, { token: session.token });
    expect(errorCodes(await revoke(members[0]))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await revoke(invitee))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await revoke(stranger))).toEqual(['NOT_FOUND']);
    expect(await myInvitations(invitee)).toEqual([expect.objectContaining({ id: invitation.id, status: 'PENDING' })]);
  });

  it('accepting racing a revocation: exactly one of them wins, and the invitee is a member only if accepting won', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const invitee = await server.signUp();
    const invitation = await invite(admin, enterpriseId, invitee.account.email);
    const [accepted, revoked] = await Promise.all([
      server.gql(EnterprisesAcceptMembershipDocument, { id: invitation.id }, { token: invitee.token }),
      server.gql(EnterprisesRevokeInvitationDocument, { id: invitation.id }, { token: admin.token }),
    ]);
    const outcomes = [errorCodes(accepted), errorCodes(revoked)];
    expect(outcomes).toContainEqual([]);
    expect(outcomes).toContainEqual(['CONFLICT']);
    const seen = await server.gql(EnterprisesEnterpriseDocument, { id: enterpriseId }, { token: invitee.token });
    expect(errorCodes(seen)).toEqual(errorCodes(accepted).length ? ['NOT_FOUND'] : []);
  });

  it('the invitee of an account is told by e-mail who invites them where, with which role', async () => {
    const smtp = await startSmtp();
    const mailing = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const admin = await mailing.signUp('Ada Admin');
      const invitee = await mailing.signUp('Ivan Invitee');
      const created = await mailing.gql(
        EnterprisesCreateDocument,
        { input: { name: 'Acme Facilities', dataCenter: 'EU' } },
        { token: admin.token },
      );
      const invited = await mailing.gql(
        EnterprisesAddMemberDocument,
        { input: { enterpriseId: created.data!.createEnterprise.id, email: invitee.account.email, role: 'OPERATOR' } },
        { token: admin.token },
      );
      const { id, expiresAt } = invited.data!.addMember;
      const mail = await eventually(() => smtp.received.find((received) => received.to === invitee.account.email));
      expect(mail.subject).toBe('You are invited to join Acme Facilities on devshare');
      expect(mail.text).toContain('Ada Admin invites you to join Acme Facilities on devshare as OPERATOR.');
      expect(mail.text).toContain('You become a member only if you accept.');
      expect(mail.text).toContain(`(id ${id})`);
      expect(mail.text).toContain(`valid until ${expiresAt}`);
      const outbox: { payload: string }[] = await mailing.app.db.dataSource.query(
        `SELECT payload FROM outbox_message WHERE template = 'membership_invitation'`,
      );
      expect(outbox.map((row) => JSON.parse(row.payload))).toEqual([{ invitationId: id }]);
    } finally {
      await mailing.close();
      await smtp.close();
    }
  });
});
