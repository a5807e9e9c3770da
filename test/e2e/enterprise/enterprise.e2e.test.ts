import { randomUUID } from 'node:crypto';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/manual-clock';
import { addMember, type Role } from '../../support/members';
import { startSmtp } from '../../support/test-smtp';
import { errorCodes, startTestServer, type Session, type TestServer, nodes } from '../../support/test-server';

const CREATE = `mutation ($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id name dataCenter myRole } }`;
const INVITATION_FIELDS =
  'id email role status createdAt expiresAt answeredAt enterprise { id name } invitedBy { id name }';
const ADD = `mutation ($input: AddMemberInput!) { addMember(input: $input) { ${INVITATION_FIELDS} } }`;
const ACCEPT = `mutation ($id: ID!) { acceptMembership(invitationId: $id) { role account { id } enterprise { id myRole } } }`;
const DECLINE = `mutation ($id: ID!) { declineMembership(invitationId: $id) { id status answeredAt } }`;
const REVOKE = `mutation ($id: ID!) { revokeMembershipInvitation(invitationId: $id) { id status answeredAt } }`;
const MINE = `{ myMembershipInvitations { edges { node { id role status enterprise { id name } } } } }`;
const INVITATIONS = `query ($id: ID!) { enterprise(id: $id) { membershipInvitations { edges { node { id email role status } } } } }`;
const DAY_MS = 24 * 3600 * 1000;
const SET_ROLE = `mutation ($input: SetMemberRoleInput!) { setMemberRole(input: $input) { role } }`;
const REMOVE = `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) }`;
const ENTERPRISE = `query ($id: ID!) { enterprise(id: $id) { id name members { edges { node { role account { id email } } } } settings { operatorsCanShare } groups { edges { node { id } } } } }`;

interface Invitation {
  id: string;
  email: string;
  role: string;
  status: string;
  createdAt: string;
  expiresAt: string;
  answeredAt: string | null;
  enterprise: { id: string; name: string };
  invitedBy: { id: string; name: string };
}

describe('enterprises and members', () => {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  let server: TestServer;
  beforeAll(async () => {
    // Tokens outlive the invitations, so that a test can let an invitation expire and still act.
    server = await startTestServer({ clock, config: { jwtTtlSeconds: 365 * 24 * 3600 } });
  });
  afterAll(() => server.close());

  /** An enterprise with an ADMIN and, optionally, members of other roles (invited, and accepted). */
  async function enterpriseWith(roles: Role[] = []) {
    const admin = await server.signUp('Admin');
    const created = await server.gql<{ createEnterprise: { id: string } }>(
      CREATE,
      { input: { name: 'Acme', dataCenter: 'EU' } },
      { token: admin.token },
    );
    const enterpriseId = created.data!.createEnterprise.id;
    const members: Session[] = [];
    for (const role of roles) {
      const member = await server.signUp(role);
      await addMember(server, admin, enterpriseId, member, role);
      members.push(member);
    }
    return { enterpriseId, admin, members };
  }

  /** `admin` invites `email` into the enterprise; fails the test on any error. */
  async function invite(admin: Session, enterpriseId: string, email: string, role: Role = 'VIEWER') {
    const response = await server.gql<{ addMember: Invitation }>(
      ADD,
      { input: { enterpriseId, email, role } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.addMember;
  }

  const myInvitations = async (session: Session) =>
    nodes(
      (
        await server.gql<{ myMembershipInvitations: { edges: { node: { id: string; status: string } }[] } }>(
          MINE,
          {},
          { token: session.token },
        )
      ).data!.myMembershipInvitations,
    );

  it('createEnterprise makes the creator its ADMIN', async () => {
    const { token } = await server.signUp();
    const created = await server.gql<{ createEnterprise: { id: string; myRole: string; dataCenter: string } }>(
      CREATE,
      { input: { name: '  Globex  ', dataCenter: 'US' } },
      { token },
    );
    expect(created.data!.createEnterprise).toMatchObject({ name: 'Globex', dataCenter: 'US', myRole: 'ADMIN' });
    const me = await server.gql<{
      me: { memberships: { edges: { node: { role: string; enterprise: { id: string } } }[] } };
    }>(`{ me { memberships { edges { node { role enterprise { id } } } } } }`, {}, { token });
    expect(nodes(me.data!.me.memberships)).toEqual([
      { role: 'ADMIN', enterprise: { id: created.data!.createEnterprise.id } },
    ]);
  });

  it('createEnterprise needs a login', async () => {
    expect(errorCodes(await server.gql(CREATE, { input: { name: 'Anon', dataCenter: 'EU' } }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('enterprise(id) shows members, settings and groups to its members', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql<{
      enterprise: {
        members: { edges: { node: { role: string; account: { email: string } } }[] };
        settings: unknown;
        groups: { edges: unknown[] };
      };
    }>(ENTERPRISE, { id: enterpriseId }, { token: members[0].token });
    expect(errorCodes(response)).toEqual([]);
    expect(nodes(response.data!.enterprise.members)).toEqual([
      { role: 'ADMIN', account: { id: admin.account.id, email: admin.account.email } },
      { role: 'VIEWER', account: { id: members[0].account.id, email: members[0].account.email } },
    ]);
    expect(response.data!.enterprise.settings).toEqual({ operatorsCanShare: true });
    expect(response.data!.enterprise.groups.edges).toEqual([]);
  });

  it('enterprise(id) of a non-member answers NOT_FOUND, exactly like an id that does not exist', async () => {
    const { enterpriseId } = await enterpriseWith();
    const stranger = await server.signUp();
    const foreign = await server.gql(ENTERPRISE, { id: enterpriseId }, { token: stranger.token });
    const missing = await server.gql(ENTERPRISE, { id: randomUUID() }, { token: stranger.token });
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
    expect(foreign.errors![0].message).toBe(missing.errors![0].message);
    expect(foreign.data).toEqual(missing.data);
  });

  it.each(['ADMIN', 'OPERATOR', 'VIEWER'] as const)(
    'addMember invites an account as %s; it becomes a member with that role when it accepts',
    async (role) => {
      const { enterpriseId, admin } = await enterpriseWith();
      const member = await server.signUp('Invitee');
      const invitation = await invite(admin, enterpriseId, member.account.email.toUpperCase(), role);
      expect(invitation).toEqual({
        id: expect.any(String),
        email: member.account.email,
        role,
        status: 'PENDING',
        createdAt: clock.now().toISOString(),
        expiresAt: new Date(clock.now().getTime() + 14 * DAY_MS).toISOString(),
        answeredAt: null,
        enterprise: { id: enterpriseId, name: 'Acme' },
        invitedBy: { id: admin.account.id, name: 'Admin' },
      });
      expect(await myInvitations(member)).toEqual([
        { id: invitation.id, role, status: 'PENDING', enterprise: { id: enterpriseId, name: 'Acme' } },
      ]);

      const accepted = await server.gql<{ acceptMembership: unknown }>(
        ACCEPT,
        { id: invitation.id },
        { token: member.token },
      );
      expect(accepted.data!.acceptMembership).toEqual({
        role,
        account: { id: member.account.id },
        enterprise: { id: enterpriseId, myRole: role },
      });
      expect(await myInvitations(member)).toEqual([]);
      const enterprise = await server.gql<{ enterprise: { members: { edges: { node: { role: string } }[] } } }>(
        ENTERPRISE,
        { id: enterpriseId },
        { token: member.token },
      );
      expect(nodes(enterprise.data!.enterprise.members).map((node) => node.role)).toEqual(['ADMIN', role]);
    },
  );

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
    const response = await server.gql<{ addMember: Invitation }>(
      ADD,
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
      ADD,
      { input: { enterpriseId, email: members[0].account.email, role: 'OPERATOR' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('addMember of your own e-mail answers BAD_USER_INPUT', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const response = await server.gql(
      ADD,
      { input: { enterpriseId, email: admin.account.email, role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('only ADMINs add members: OPERATOR and VIEWER get FORBIDDEN, a non-member NOT_FOUND', async () => {
    const { enterpriseId, members } = await enterpriseWith(['OPERATOR', 'VIEWER']);
    const candidate = await server.signUp();
    const stranger = await server.signUp();
    const input = { enterpriseId, email: candidate.account.email, role: 'VIEWER' };
    for (const member of members) {
      expect(errorCodes(await server.gql(ADD, { input }, { token: member.token }))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await server.gql(ADD, { input }, { token: stranger.token }))).toEqual(['NOT_FOUND']);
  });

  it("the invitee sees the enterprise's name and who invited, nothing else of the enterprise (FORBIDDEN)", async () => {
    const { enterpriseId, admin } = await enterpriseWith(['OPERATOR']);
    const invitee = await server.signUp();
    await invite(admin, enterpriseId, invitee.account.email);
    const response = await server.gql<{ myMembershipInvitations: { edges: { node: unknown }[] } }>(
      `{ myMembershipInvitations { edges { node {
        enterprise { name myRole settings { operatorsCanShare } members { edges { node { role } } } }
        invitedBy { name email }
      } } } }`,
      {},
      { token: invitee.token },
    );
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
    expect(errorCodes(await server.gql(ACCEPT, { id: joined.id }, { token: joiner.token }))).toEqual([]);
    expect(errorCodes(await server.gql(DECLINE, { id: declined.id }, { token: decliner.token }))).toEqual([]);
    for (const [session, id] of [
      [joiner, joined.id],
      [decliner, declined.id],
    ] as const) {
      expect(errorCodes(await server.gql(ACCEPT, { id }, { token: session.token }))).toEqual(['CONFLICT']);
      expect(errorCodes(await server.gql(DECLINE, { id }, { token: session.token }))).toEqual(['CONFLICT']);
    }
  });

  it('an invitation expires after 14 days: INVITATION_EXPIRED for the invitee, EXPIRED for the ADMINs, renewed by inviting again', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const invitee = await server.signUp();
    const invitation = await invite(admin, enterpriseId, invitee.account.email);
    clock.advance(14 * DAY_MS);
    expect(await myInvitations(invitee)).toEqual([]);
    expect(errorCodes(await server.gql(ACCEPT, { id: invitation.id }, { token: invitee.token }))).toEqual([
      'INVITATION_EXPIRED',
    ]);
    const listed = await server.gql<{ enterprise: { membershipInvitations: { edges: { node: Invitation }[] } } }>(
      INVITATIONS,
      { id: enterpriseId },
      { token: admin.token },
    );
    expect(nodes(listed.data!.enterprise.membershipInvitations)).toEqual([
      { id: invitation.id, email: invitee.account.email, role: 'VIEWER', status: 'EXPIRED' },
    ]);
    const renewed = await invite(admin, enterpriseId, invitee.account.email);
    expect(renewed).toMatchObject({ id: invitation.id, status: 'PENDING' });
    expect(errorCodes(await server.gql(ACCEPT, { id: invitation.id }, { token: invitee.token }))).toEqual([]);
  });

  it('enterprise.membershipInvitations lists the unanswered invitations, newest first, to ADMINs only', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const [joiner, waiting] = [await server.signUp(), await server.signUp()];
    const joined = await invite(admin, enterpriseId, joiner.account.email);
    await server.gql(ACCEPT, { id: joined.id }, { token: joiner.token });
    const first = await invite(admin, enterpriseId, waiting.account.email, 'OPERATOR');
    const second = await invite(admin, enterpriseId, 'nobody-yet@example.com', 'VIEWER');
    const listed = await server.gql<{ enterprise: { membershipInvitations: { edges: { node: Invitation }[] } } }>(
      INVITATIONS,
      { id: enterpriseId },
      { token: admin.token },
    );
    expect(nodes(listed.data!.enterprise.membershipInvitations).map((node) => node.id)).toEqual([second.id, first.id]);
    const byOperator = await server.gql<{ enterprise: { membershipInvitations: unknown } }>(
      INVITATIONS,
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
    const revoked = await server.gql<{ revokeMembershipInvitation: unknown }>(
      REVOKE,
      { id: invitation.id },
      { token: admin.token },
    );
    expect(revoked.data!.revokeMembershipInvitation).toEqual({
      id: invitation.id,
      status: 'REVOKED',
      answeredAt: clock.now().toISOString(),
    });
    expect(await myInvitations(invitee)).toEqual([]);
    expect(errorCodes(await server.gql(ACCEPT, { id: invitation.id }, { token: invitee.token }))).toEqual(['CONFLICT']);
    expect(errorCodes(await server.gql(REVOKE, { id: invitation.id }, { token: admin.token }))).toEqual(['CONFLICT']);
  });

  it('revokeMembershipInvitation: FORBIDDEN for an OPERATOR, NOT_FOUND for the invitee and for a stranger', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const invitee = await server.signUp();
    const stranger = await server.signUp();
    const invitation = await invite(admin, enterpriseId, invitee.account.email);
    const revoke = (session: Session) => server.gql(REVOKE, { id: invitation.id }, { token: session.token });
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
      server.gql(ACCEPT, { id: invitation.id }, { token: invitee.token }),
      server.gql(REVOKE, { id: invitation.id }, { token: admin.token }),
    ]);
    const outcomes = [errorCodes(accepted), errorCodes(revoked)];
    expect(outcomes).toContainEqual([]);
    expect(outcomes).toContainEqual(['CONFLICT']);
    const seen = await server.gql(ENTERPRISE, { id: enterpriseId }, { token: invitee.token });
    expect(errorCodes(seen)).toEqual(errorCodes(accepted).length ? ['NOT_FOUND'] : []);
  });

  it('the invitee of an account is told by e-mail who invites them where, with which role', async () => {
    const smtp = await startSmtp();
    const mailing = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const admin = await mailing.signUp('Ada Admin');
      const invitee = await mailing.signUp('Ivan Invitee');
      const created = await mailing.gql<{ createEnterprise: { id: string } }>(
        CREATE,
        { input: { name: 'Acme Facilities', dataCenter: 'EU' } },
        { token: admin.token },
      );
      const invited = await mailing.gql<{ addMember: Invitation }>(
        ADD,
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

  it("setMemberRole changes a member's role", async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql<{ setMemberRole: { role: string } }>(
      SET_ROLE,
      { input: { enterpriseId, accountId: members[0].account.id, role: 'OPERATOR' } },
      { token: admin.token },
    );
    expect(response.data!.setMemberRole.role).toBe('OPERATOR');
  });

  it('setMemberRole cannot demote the last ADMIN (CONFLICT)', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const response = await server.gql(
      SET_ROLE,
      { input: { enterpriseId, accountId: admin.account.id, role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('setMemberRole: FORBIDDEN for a non-ADMIN, NOT_FOUND for an account that is not a member', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const outsider = await server.signUp();
    const byOperator = await server.gql(
      SET_ROLE,
      { input: { enterpriseId, accountId: members[0].account.id, role: 'ADMIN' } },
      { token: members[0].token },
    );
    expect(errorCodes(byOperator)).toEqual(['FORBIDDEN']);
    const notMember = await server.gql(
      SET_ROLE,
      { input: { enterpriseId, accountId: outsider.account.id, role: 'ADMIN' } },
      { token: admin.token },
    );
    expect(errorCodes(notMember)).toEqual(['NOT_FOUND']);
  });

  it('two ADMINs demoting each other at once: exactly one succeeds and one ADMIN remains', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['ADMIN']);
    const [first, second] = await Promise.all([
      server.gql(
        SET_ROLE,
        { input: { enterpriseId, accountId: members[0].account.id, role: 'VIEWER' } },
        { token: admin.token },
      ),
      server.gql(
        SET_ROLE,
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
    const enterprise = await server.gql<{ enterprise: { members: { edges: { node: { role: string } }[] } } }>(
      ENTERPRISE,
      { id: enterpriseId },
      { token: survivor.token },
    );
    expect(nodes(enterprise.data!.enterprise.members).filter((member) => member.role === 'ADMIN')).toHaveLength(1);
  });

  it('removeMember: an ADMIN removes a member, who then no longer sees the enterprise', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['OPERATOR']);
    const response = await server.gql(
      REMOVE,
      { input: { enterpriseId, accountId: members[0].account.id } },
      { token: admin.token },
    );
    expect(response.data).toEqual({ removeMember: true });
    expect(errorCodes(await server.gql(ENTERPRISE, { id: enterpriseId }, { token: members[0].token }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('removeMember: any member may leave', async () => {
    const { enterpriseId, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql(
      REMOVE,
      { input: { enterpriseId, accountId: members[0].account.id } },
      { token: members[0].token },
    );
    expect(response.data).toEqual({ removeMember: true });
  });

  it('removeMember: the last ADMIN can neither be removed nor leave (CONFLICT)', async () => {
    const { enterpriseId, admin } = await enterpriseWith(['OPERATOR']);
    const response = await server.gql(
      REMOVE,
      { input: { enterpriseId, accountId: admin.account.id } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('removeMember: an account that is not a member answers NOT_FOUND', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const outsider = await server.signUp();
    const response = await server.gql(
      REMOVE,
      { input: { enterpriseId, accountId: outsider.account.id } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });

  it('removeMember: an OPERATOR removing someone else gets FORBIDDEN', async () => {
    const { enterpriseId, members } = await enterpriseWith(['OPERATOR', 'VIEWER']);
    const response = await server.gql(
      REMOVE,
      { input: { enterpriseId, accountId: members[1].account.id } },
      { token: members[0].token },
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });

  it("a fellow member's e-mail is visible; another account's memberships answer null with FORBIDDEN", async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql<{
      enterprise: {
        members: { edges: { node: { account: { email: string | null; memberships: { edges: unknown[] } | null } } }[] };
      };
    }>(
      `query ($id: ID!) { enterprise(id: $id) { members { edges { node { account { email memberships { edges { node { role } } } } } } } } }`,
      { id: enterpriseId },
      { token: members[0].token },
    );
    const [adminEntry, selfEntry] = nodes(response.data!.enterprise.members);
    expect(adminEntry.account).toEqual({ email: admin.account.email, memberships: null });
    expect(nodes(selfEntry.account.memberships as { edges: { node: unknown }[] })).toEqual([{ role: 'VIEWER' }]);
    expect(response.errors).toEqual([
      expect.objectContaining({
        path: ['enterprise', 'members', 'edges', 0, 'node', 'account', 'memberships'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
  });

  describe('acting enterprise', () => {
    const REGISTER = `mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { id enterprise { id } } }`;
    const device = (serialNumber: string) => ({ serialNumber, name: 'UPS', model: 'Smart-UPS', plan: 'STANDARD' });

    it('an account in several enterprises must name one with x-enterprise-id (BAD_USER_INPUT otherwise)', async () => {
      const { admin } = await enterpriseWith();
      const second = await server.gql<{ createEnterprise: { id: string } }>(
        CREATE,
        { input: { name: 'Second', dataCenter: 'US' } },
        { token: admin.token },
      );
      const secondId = second.data!.createEnterprise.id;
      const ambiguous = await server.gql(REGISTER, { input: device('ACT-0001') }, { token: admin.token });
      expect(errorCodes(ambiguous)).toEqual(['BAD_USER_INPUT']);
      const named = await server.gql<{ registerDevice: { enterprise: { id: string } } }>(
        REGISTER,
        { input: device('ACT-0001') },
        { token: admin.token, enterpriseId: secondId },
      );
      expect(named.data!.registerDevice.enterprise.id).toBe(secondId);
    });

    it('an account in one enterprise acts in it without naming it', async () => {
      const { enterpriseId, admin } = await enterpriseWith();
      const response = await server.gql<{ registerDevice: { enterprise: { id: string } } }>(
        REGISTER,
        { input: device('ACT-0002') },
        { token: admin.token },
      );
      expect(response.data!.registerDevice.enterprise.id).toBe(enterpriseId);
    });

    it('x-enterprise-id naming an enterprise the caller is not a member of answers NOT_FOUND', async () => {
      const { enterpriseId } = await enterpriseWith();
      const other = await enterpriseWith();
      const response = await server.gql(
        REGISTER,
        { input: device('ACT-0003') },
        { token: other.admin.token, enterpriseId },
      );
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      expect(response.status).toBe(400);
    });
  });

  it('every member change is in the event log', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const [decliner, revokee] = [await server.signUp(), await server.signUp()];
    const declined = await invite(admin, enterpriseId, decliner.account.email);
    await server.gql(DECLINE, { id: declined.id }, { token: decliner.token });
    const revoked = await invite(admin, enterpriseId, revokee.account.email, 'OPERATOR');
    await server.gql(REVOKE, { id: revoked.id }, { token: admin.token });
    await server.gql(
      SET_ROLE,
      { input: { enterpriseId, accountId: members[0].account.id, role: 'OPERATOR' } },
      { token: admin.token },
    );
    await server.gql(REMOVE, { input: { enterpriseId, accountId: members[0].account.id } }, { token: admin.token });
    const log = await server.gql<{
      auditLog: { edges: { node: { action: string; targetId: string; details: unknown; actor: { id: string } } }[] };
    }>(
      `query ($id: ID) { auditLog(enterpriseId: $id) { edges { node { action targetId details actor { id } } } } }`,
      { id: enterpriseId },
      { token: admin.token },
    );
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

  it('the event log of an enterprise is for its ADMINs only', async () => {
    const { enterpriseId, members } = await enterpriseWith(['OPERATOR']);
    const response = await server.gql(
      `query ($id: ID) { auditLog(enterpriseId: $id) { edges { node { action } } } }`,
      { id: enterpriseId },
      { token: members[0].token },
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });
});
