import type { Session, TestServer } from './test-server';

export type Role = 'ADMIN' | 'OPERATOR' | 'VIEWER';

const INVITE = `mutation ($input: AddMemberInput!) { addMember(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptMembership(invitationId: $id) { role } }`;

/**
 * Makes `member` a member of an enterprise the way the API does it (membership needs consent):
 * an ADMIN invites its e-mail with `addMember`, and the member accepts. Fails on any error.
 */
export async function addMember(
  server: Pick<TestServer, 'gql'>,
  admin: Session,
  enterpriseId: string,
  member: Session,
  role: Role,
): Promise<void> {
  const invited = await server.gql<{ addMember: { id: string } }>(
    INVITE,
    { input: { enterpriseId, email: member.account.email, role } },
    { token: admin.token },
  );
  if (!invited.data?.addMember) throw new Error(`addMember failed: ${JSON.stringify(invited.errors)}`);
  const accepted = await server.gql(ACCEPT, { id: invited.data.addMember.id }, { token: member.token });
  if (!accepted.data?.acceptMembership) throw new Error(`acceptMembership failed: ${JSON.stringify(accepted.errors)}`);
}
