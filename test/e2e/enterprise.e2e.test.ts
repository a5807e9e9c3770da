import { randomUUID } from 'node:crypto';
import { errorCodes, startTestServer, type Session, type TestServer, nodes } from '../support/test-server';

const CREATE = `mutation ($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { id name dataCenter myRole } }`;
const ADD = `mutation ($input: AddMemberInput!) { addMember(input: $input) { role account { id email } } }`;
const SET_ROLE = `mutation ($input: SetMemberRoleInput!) { setMemberRole(input: $input) { role } }`;
const REMOVE = `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) }`;
const ENTERPRISE = `query ($id: ID!) { enterprise(id: $id) { id name members { edges { node { role account { id email } } } } settings { operatorsCanShare } groups { edges { node { id } } } } }`;

describe('enterprises and members', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** An enterprise with an ADMIN and, optionally, members of other roles. */
  async function enterpriseWith(roles: ('ADMIN' | 'OPERATOR' | 'VIEWER')[] = []) {
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
      const added = await server.gql(
        ADD,
        { input: { enterpriseId, email: member.account.email, role } },
        { token: admin.token },
      );
      expect(errorCodes(added)).toEqual([]);
      members.push(member);
    }
    return { enterpriseId, admin, members };
  }

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

  it.each(['ADMIN', 'OPERATOR', 'VIEWER'])('addMember adds an existing account as %s', async (role) => {
    const { enterpriseId, admin } = await enterpriseWith();
    const member = await server.signUp();
    const response = await server.gql<{ addMember: { role: string; account: { id: string } } }>(
      ADD,
      { input: { enterpriseId, email: member.account.email.toUpperCase(), role } },
      { token: admin.token },
    );
    expect(response.data!.addMember).toEqual({
      role,
      account: { id: member.account.id, email: member.account.email },
    });
  });

  it('addMember answers NOT_FOUND for an e-mail without an account', async () => {
    const { enterpriseId, admin } = await enterpriseWith();
    const response = await server.gql(
      ADD,
      { input: { enterpriseId, email: 'nobody@example.com', role: 'VIEWER' } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
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
        action: 'member.added',
        targetId: members[0].account.id,
        details: { role: 'VIEWER' },
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
