import { randomUUID } from 'node:crypto';
import {
  EnterprisesAcceptMembershipDocument,
  EnterprisesAuditLogActionsDocument,
  EnterprisesCreateDocument,
  EnterprisesEnterpriseDocument,
  EnterprisesMyMembershipsDocument,
  EnterprisesRegisterDeviceDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, nodes, type TestServer } from '../../support/test-server';
import { DAY_MS, useEnterprises } from './enterprises';

describe('creating enterprises, reading them, and the acting enterprise', () => {
  const enterprises = useEnterprises();
  const { enterpriseWith, invite, myInvitations, clock } = enterprises;
  let server: TestServer;
  beforeAll(() => ({ server } = enterprises));

  it('createEnterprise makes the creator its ADMIN', async () => {
    const { token } = await server.signUp();
    const created = await server.gql(
      EnterprisesCreateDocument,
      { input: { name: '  Globex  ', dataCenter: 'US' } },
      { token },
    );
    expect(created.data!.createEnterprise).toMatchObject({ name: 'Globex', dataCenter: 'US', myRole: 'ADMIN' });
    const me = await server.gql(EnterprisesMyMembershipsDocument, {}, { token });
    expect(nodes(me.data!.me.memberships)).toEqual([
      { role: 'ADMIN', enterprise: { id: created.data!.createEnterprise.id } },
    ]);
  });

  it('createEnterprise needs a login', async () => {
    expect(
      errorCodes(await server.gql(EnterprisesCreateDocument, { input: { name: 'Anon', dataCenter: 'EU' } })),
    ).toEqual(['UNAUTHENTICATED']);
  });

  it('enterprise(id) shows members, settings and groups to its members', async () => {
    const { enterpriseId, admin, members } = await enterpriseWith(['VIEWER']);
    const response = await server.gql(EnterprisesEnterpriseDocument, { id: enterpriseId }, { token: members[0].token });
    expect(errorCodes(response)).toEqual([]);
    expect(nodes(response.data!.enterprise.members)).toEqual([
      { role: 'ADMIN', account: { id: admin.account.id, email: admin.account.email } },
      { role: 'VIEWER', account: { id: members[0].account.id, email: members[0].account.email } },
    ]);
    expect(response.data!.enterprise.settings).toEqual({ operatorsCanShare: true });
    expect(response.data!.enterprise.groups!.edges).toEqual([]);
  });

  it('enterprise(id) of a non-member answers NOT_FOUND, exactly like an id that does not exist', async () => {
    const { enterpriseId } = await enterpriseWith();
    const stranger = await server.signUp();
    const foreign = await server.gql(EnterprisesEnterpriseDocument, { id: enterpriseId }, { token: stranger.token });
    const missing = await server.gql(EnterprisesEnterpriseDocument, { id: randomUUID() }, { token: stranger.token });
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

      const accepted = await server.gql(
        EnterprisesAcceptMembershipDocument,
        { id: invitation.id },
        { token: member.token },
      );
      expect(accepted.data!.acceptMembership).toEqual({
        role,
        account: { id: member.account.id },
        enterprise: { id: enterpriseId, myRole: role },
      });
      expect(await myInvitations(member)).toEqual([]);
      const enterprise = await server.gql(EnterprisesEnterpriseDocument, { id: enterpriseId }, { token: member.token });
      expect(nodes(enterprise.data!.enterprise.members).map((node) => node.role)).toEqual(['ADMIN', role]);
    },
  );

  describe('acting enterprise', () => {
    const device = (serialNumber: string) => ({
      serialNumber,
      name: 'UPS',
      model: 'Smart-UPS',
      plan: 'STANDARD' as const,
    });

    it('an account in several enterprises must name one with x-enterprise-id (BAD_USER_INPUT otherwise)', async () => {
      const { admin } = await enterpriseWith();
      const second = await server.gql(
        EnterprisesCreateDocument,
        { input: { name: 'Second', dataCenter: 'US' } },
        { token: admin.token },
      );
      const secondId = second.data!.createEnterprise.id;
      const ambiguous = await server.gql(
        EnterprisesRegisterDeviceDocument,
        { input: device('ACT-0001') },
        { token: admin.token },
      );
      expect(errorCodes(ambiguous)).toEqual(['BAD_USER_INPUT']);
      const named = await server.gql(
        EnterprisesRegisterDeviceDocument,
        { input: device('ACT-0001') },
        { token: admin.token, enterpriseId: secondId },
      );
      expect(named.data!.registerDevice.enterprise.id).toBe(secondId);
    });

    it('an account in one enterprise acts in it without naming it', async () => {
      const { enterpriseId, admin } = await enterpriseWith();
      const response = await server.gql(
        EnterprisesRegisterDeviceDocument,
        { input: device('ACT-0002') },
        { token: admin.token },
      );
      expect(response.data!.registerDevice.enterprise.id).toBe(enterpriseId);
    });

    it('x-enterprise-id naming an enterprise the caller is not a member of answers NOT_FOUND', async () => {
      const { enterpriseId } = await enterpriseWith();
      const other = await enterpriseWith();
      const response = await server.gql(
        EnterprisesRegisterDeviceDocument,
        { input: device('ACT-0003') },
        { token: other.admin.token, enterpriseId },
      );
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      expect(response.status).toBe(400);
    });
  });

  it('the event log of an enterprise is for its ADMINs only', async () => {
    const { enterpriseId, members } = await enterpriseWith(['OPERATOR']);
    const response = await server.gql(
      EnterprisesAuditLogActionsDocument,
      { id: enterpriseId },
      { token: members[0].token },
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });
});
