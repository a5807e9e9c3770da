import { randomUUID } from 'node:crypto';
import { errorCodes, nodes, startTestServer, type Session, type TestServer } from '../support/test-server';

/*
 * Issue 11: "`addMember` of any existing account into the attacker's enterprise succeeds without
 * the account's consent; unknown e-mails answer 'Account not found' (enumeration)". Membership
 * needs consent (SPEC §5): addMember invites, the invitee accepts, and known and unknown e-mails
 * answer alike.
 */

const ADD = `mutation ($input: AddMemberInput!) {
  addMember(input: $input) { id email role status createdAt expiresAt answeredAt enterprise { id name } invitedBy { id name } }
}`;
const ACCEPT = `mutation ($id: ID!) { acceptMembership(invitationId: $id) { role } }`;
const DECLINE = `mutation ($id: ID!) { declineMembership(invitationId: $id) { status } }`;
const MY_ENTERPRISES = `{ me { memberships { edges { node { role enterprise { id } } } } } }`;
const MEMBERS = `query ($id: ID!) { enterprise(id: $id) { members { edges { node { account { id } } } } } }`;

describe('membership needs consent', () => {
  let server: TestServer;
  let attacker: Session;
  let enterpriseId: string;

  beforeAll(async () => {
    server = await startTestServer();
    attacker = await server.signUp('Attacker');
    const created = await server.gql<{ createEnterprise: { id: string } }>(
      `mutation { createEnterprise(input: { name: "Attacker Inc", dataCenter: EU }) { id } }`,
      {},
      { token: attacker.token },
    );
    enterpriseId = created.data!.createEnterprise.id;
  });
  afterAll(() => server.close());

  const add = (email: string) =>
    server.gql<{ addMember: { id: string } & Record<string, unknown> }>(
      ADD,
      { input: { enterpriseId, email, role: 'VIEWER' } },
      { token: attacker.token },
    );
  const membershipsOf = async (session: Session) =>
    nodes(
      (
        await server.gql<{ me: { memberships: { edges: { node: unknown }[] } } }>(
          MY_ENTERPRISES,
          {},
          { token: session.token },
        )
      ).data!.me.memberships,
    );
  const membersOfEnterprise = async () =>
    nodes(
      (
        await server.gql<{ enterprise: { members: { edges: { node: { account: { id: string } } }[] } } }>(
          MEMBERS,
          { id: enterpriseId },
          { token: attacker.token },
        )
      ).data!.enterprise.members,
    ).map((node) => node.account.id);

  it('addMember of an existing account does not make it a member until it accepts', async () => {
    const victim = await server.signUp('Victim');
    const invited = await add(victim.account.email);
    expect(errorCodes(invited)).toEqual([]);

    expect(await membershipsOf(victim)).toEqual([]);
    expect(await membersOfEnterprise()).toEqual([attacker.account.id]);
    const seen = await server.gql(MEMBERS, { id: enterpriseId }, { token: victim.token });
    expect(errorCodes(seen)).toEqual(['NOT_FOUND']);

    const accepted = await server.gql(ACCEPT, { id: invited.data!.addMember.id }, { token: victim.token });
    expect(errorCodes(accepted)).toEqual([]);
    expect(await membershipsOf(victim)).toEqual([{ role: 'VIEWER', enterprise: { id: enterpriseId } }]);
  });

  it('known and unknown e-mails answer identically: same status, same shape, same fields, no error', async () => {
    const known = await server.signUp('Known');
    const unknownEmail = `nobody-${randomUUID()}@example.com`;
    const [forKnown, forUnknown] = [await add(known.account.email), await add(unknownEmail)];

    expect(forKnown.status).toBe(forUnknown.status);
    expect(forKnown.errors).toBeUndefined();
    expect(forUnknown.errors).toBeUndefined();
    /** The answer with what must differ (its id, the e-mail itself, the instants) blanked out. */
    const shape = (invitation: Record<string, unknown>) => ({
      ...invitation,
      id: '…',
      email: '…',
      createdAt: '…',
      expiresAt: '…',
    });
    expect(shape(forKnown.data!.addMember)).toEqual(shape(forUnknown.data!.addMember));
    expect(forKnown.data!.addMember).toMatchObject({ email: known.account.email, status: 'PENDING' });
    expect(forUnknown.data!.addMember).toMatchObject({ email: unknownEmail, status: 'PENDING' });
  });

  it('the invitee can decline: it stays out of the enterprise and cannot accept afterwards', async () => {
    const invitee = await server.signUp('Invitee');
    const invited = await add(invitee.account.email);
    const declined = await server.gql<{ declineMembership: { status: string } }>(
      DECLINE,
      { id: invited.data!.addMember.id },
      { token: invitee.token },
    );
    expect(declined.data!.declineMembership).toEqual({ status: 'DECLINED' });
    expect(await membershipsOf(invitee)).toEqual([]);
    const accepted = await server.gql(ACCEPT, { id: invited.data!.addMember.id }, { token: invitee.token });
    expect(errorCodes(accepted)).toEqual(['CONFLICT']);
    expect(await membershipsOf(invitee)).toEqual([]);
  });

  it('an account whose e-mail is not verified sees no invitation to it and cannot accept one (NOT_FOUND)', async () => {
    const email = `unproven-${randomUUID()}@example.com`;
    const invitationId = (await add(email)).data!.addMember.id;
    const squatter = await server.signUpUnverified('Squatter', email);
    const mine = await server.gql<{ myMembershipInvitations: { edges: unknown[] } }>(
      `{ myMembershipInvitations { edges { node { id } } } }`,
      {},
      { token: squatter.token },
    );
    expect(mine.data!.myMembershipInvitations.edges).toEqual([]);
    const accepted = await server.gql(ACCEPT, { id: invitationId }, { token: squatter.token });
    expect(errorCodes(accepted)).toEqual(['NOT_FOUND']);
    expect(await membershipsOf(squatter)).toEqual([]);
  });

  it('nobody but the invitee can accept or decline an invitation: NOT_FOUND, exactly as for an id that does not exist', async () => {
    const invitee = await server.signUp('Invitee');
    const other = await server.signUp('Other');
    const invitationId = (await add(invitee.account.email)).data!.addMember.id;
    for (const mutation of [ACCEPT, DECLINE]) {
      for (const session of [other, attacker]) {
        const foreign = await server.gql(mutation, { id: invitationId }, { token: session.token });
        const missing = await server.gql(mutation, { id: randomUUID() }, { token: session.token });
        expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
        expect(foreign.errors![0].message).toBe(missing.errors![0].message);
      }
    }
    expect(await membershipsOf(other)).toEqual([]);
    const accepted = await server.gql(ACCEPT, { id: invitationId }, { token: invitee.token });
    expect(errorCodes(accepted)).toEqual([]);
  });
});
