import {
  EnterprisesDeclineMembershipDocument,
  EnterprisesEnterpriseDocument,
  EnterprisesMemberAccountsDocument,
  EnterprisesMemberAuditLogDocument,
  EnterprisesRemoveMemberDocument,
  EnterprisesRevokeInvitationDocument,
  SetMemberRoleDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, nodes, type TestServer } from '../../support/test-server';
import { useEnterprises } from './enterprises';

describe('members: roles, leaving and removal, and their event log', () => {
  const enterprises = useEnterprises();
  const { enterpriseWith, invite } = enterprises;
  let server: TestServer;
  beforeAll(() => ({ server } = enterprises));

  it("setMemberRole changes a member's role", async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql(
      SetMemberRoleDocument,
      { input: { enterpriseId, accountId: members[0].account.id, role: 'OPERATOR' } },
      { token: admin.token },
    );
    expect(response.data!.setMemberRole.role).toBe('OPERATOR');
  });

  it('setMemberRole cannot demote the last ADMIN (CONFLICT)', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const response = await server.gql(
      SetMemberRoleDocument,
      { input: { enterpriseId, accountId: admin.account.id, role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('setMemberRole: FORBIDDEN for a non-ADMIN, NOT_FOUND for an account that is not a member', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const outsider = await server.signUp();
    const byOperator = await server.gql(
      SetMemberRoleDocument,
      { input: { enterpriseId, accountId: members[0].account.id, role: 'ADMIN' } },
      { token: members[0].token },
    );
    expect(errorCodes(byOperator)).toEqual(['FORBIDDEN']);
    const notMember = await server.gql(
      SetMemberRoleDocument,
      { input: { enterpriseId, accountId: outsider.account.id, role: 'ADMIN' } },
      { token: admin.token },
    );
    expect(errorCodes(notMember)).toEqual(['NOT_FOUND']);
  });

  it('two ADMINs demoting each other at once: exactly one succeeds and one ADMIN remains', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['ADMIN']);
    const [first, second] = await Promise.all([
      server.gql(
        SetMemberRoleDocument,
        { input: { enterpriseId, accountId: members[0].account.id, role: 'VIEWER' } },
        { token: admin.token },
      ),
      server.gql(
        SetMemberRoleDocument,
        { input: { enterpriseId, accountId: admin.account.id, role: 'VIEWER' } },
        { token: members[0].token },
      ),
    ]);
    // The second to take the enterprise's lock is refused: FORBIDDEN when the first demoted it,
    // CONFLICT when it would demote the last ADMIN; it never acts with the role it started with.
    const refusals = [...errorCodes(first), ...errorCodes(second)];
    expect(refusals).toHaveLength(1);
    expect(['FORBIDDEN', 'CONFLICT']).toContain(refusals[0]);
    const survivor = errorCodes(first).length ? members[0] : admin;
    const enterprise = await server.gql(EnterprisesEnterpriseDocument, { id: enterpriseId }, { token: survivor.token });
    expect(nodes(enterprise.data!.enterprise.members).filter((member) => member.role === 'ADMIN')).toHaveLength(1);
  });

  it('removeMember: an ADMIN removes a member, who then no longer sees the enterprise', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const response = await server.gql(
      EnterprisesRemoveMemberDocument,
      { input: { enterpriseId, accountId: members[0].account.id } },
      { token: admin.token },
    );
    expect(response.data).toEqual({ removeMember: true });
    expect(
      errorCodes(await server.gql(EnterprisesEnterpriseDocument, { id: enterpriseId }, { token: members[0].token })),
    ).toEqual(['NOT_FOUND']);
  });

  it('removeMember: any member may leave', async () => {
    const { enterpriseId, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql(
      EnterprisesRemoveMemberDocument,
      { input: { enterpriseId, accountId: members[0].account.id } },
      { token: members[0].token },
    );
    expect(response.data).toEqual({ removeMember: true });
  });

  it('removeMember: the last ADMIN can neither be removed nor leave (CONFLICT)', async () => {
    const { enterpriseId, admin } = await enterpriseWith(['OPERATOR']);
    const response = await server.gql(
      EnterprisesRemoveMemberDocument,
      { input: { enterpriseId, accountId: admin.account.id } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('removeMember: an account that is not a member answers NOT_FOUND', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const outsider = await server.signUp();
    const response = await server.gql(
      EnterprisesRemoveMemberDocument,
      { input: { enterpriseId, accountId: outsider.account.id } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });

  it('removeMember: an OPERATOR removing someone else gets FORBIDDEN', async () => {
    const { enterpriseId, members } = await enterpriseWith(['OPERATOR', 'VIEWER']);
    const response = await server.gql(
      EnterprisesRemoveMemberDocument,
      { input: { enterpriseId, accountId: members[1].account.id } },
      { token: members[0].token },
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });

  it("a fellow member's e-mail is visible; another account's memberships answer null with FORBIDDEN", async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql(
      EnterprisesMemberAccountsDocument,
      { id: enterpriseId },
      { token: members[0].token },
    );
    const [adminEntry, selfEntry] = nodes(response.data!.enterprise.members);
    expect(adminEntry.account).toEqual({ email: admin.account.email, memberships: null });
    expect(nodes(selfEntry.account.memberships)).toEqual([{ role: 'VIEWER' }]);
    expect(response.errors).toEqual([
      expect.objectContaining({
        path: ['enterprise', 'members', 'edges', 0, 'node', 'account', 'memberships'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
  });

  it('every member change is in the event log', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const [decliner, revokee] = [await server.signUp(), await server.signUp()];
    const declined = await invite(admin, enterpriseId, decliner.account.email);
    await server.gql(EnterprisesDeclineMembershipDocument, { id: declined.id }, { token: decliner.token });
    const revoked = await invite(admin, enterpriseId, revokee.account.email, 'OPERATOR');
    await server.gql(EnterprisesRevokeInvitationDocument, { id: revoked.id }, { token: admin.token });
    await server.gql(
      SetMemberRoleDocument,
      { input: { enterpriseId, accountId: members[0].account.id, role: 'OPERATOR' } },
      { token: admin.token },
    );
    await server.gql(
      EnterprisesRemoveMemberDocument,
      { input: { enterpriseId, accountId: members[0].account.id } },
      { token: admin.token },
    );
    const log = await server.gql(EnterprisesMemberAuditLogDocument, { id: enterpriseId }, { token: admin.token });
    expect(log.data!.auditLog.edges.map((edge) => edge.node)).toEqual([
      {
        action: 'member.removed',
        targetId: members[0].account.id,
        details: { role: 'OPERATOR' },
        actor: { id: admin.account.id },
      },
      {
        action: 'member.role_changed',
        targetId: members[0].account.id,
        details: { from: 'VIEWER', to: 'OPERATOR' },
        actor: { id: admin.account.id },
      },
      {
        action: 'member.invitation_revoked',
        targetId: revoked.id,
        details: { email: revokee.account.email, role: 'OPERATOR' },
        actor: { id: admin.account.id },
      },
      {
        action: 'member.invited',
        targetId: revoked.id,
        details: { email: revokee.account.email, role: 'OPERATOR' },
        actor: { id: admin.account.id },
      },
      {
        action: 'member.invitation_declined',
        targetId: declined.id,
        details: { email: decliner.account.email, role: 'VIEWER' },
        actor: { id: decliner.account.id },
      },
      {
        action: 'member.invited',
        targetId: declined.id,
        details: { email: decliner.account.email, role: 'VIEWER' },
        actor: { id: admin.account.id },
      },
      {
        action: 'member.joined',
        targetId: members[0].account.id,
        details: { role: 'VIEWER', invitationId: expect.any(String) },
        actor: { id: members[0].account.id },
      },
      {
        action: 'member.invited',
        targetId: expect.any(String),
        details: { email: members[0].account.email, role: 'VIEWER' },
        actor: { id: admin.account.id },
      },
      {
        action: 'enterprise.created',
        targetId: enterpriseId,
        details: { name: 'Acme', dataCenter: 'eu' },
        actor: { id: admin.account.id },
      },
    ]);
  });
});
