import {
  EnterprisesAddMemberDocument,
  EnterprisesMyInvitationsDocument,
} from '../../support/graphql/documents.generated';
import { ManualClock } from '../../support/manual-clock';
import { addMember, type Role } from '../../support/members';
import { errorCodes, nodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World } from '../../support/world';

/*
 * The shared world of the enterprise specs (SPEC §1: enterprises, members, membership
 * invitations): a server whose tokens outlive the invitations, a clock the specs move, and
 * enterprises made on demand. Each spec file gets a server of its own (`useEnterprises`). The
 * documents the specs send are in enterprises.graphql, typed into documents.generated.ts.
 */

export const DAY_MS = 24 * 3600 * 1000;

/** Registers a server and a world for the spec file that calls it (in its top-level describe). */
export function useEnterprises() {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  const state = {} as { server: TestServer; world: World };

  /** An enterprise "Acme" with an ADMIN and, optionally, members of other roles (invited, and accepted). */
  async function enterpriseWith(roles: Role[] = []) {
    const admin = await state.server.signUp('Admin');
    const enterpriseId = await state.world.enterprise(admin, 'Acme');
    const members: Session[] = [];
    for (const role of roles) {
      const member = await state.server.signUp(role);
      await addMember(state.server, admin, enterpriseId, member, role);
      members.push(member);
    }
    return { enterpriseId, admin, members };
  }

  /** `admin` invites `email` into the enterprise; fails the test on any error. */
  async function invite(admin: Session, enterpriseId: string, email: string, role: Role = 'VIEWER') {
    const response = await state.server.gql(
      EnterprisesAddMemberDocument,
      { input: { enterpriseId, email, role } },
      { token: admin.token },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.addMember;
  }

  /** The membership invitations `session` sees addressed to itself. */
  const myInvitations = async (session: Session) =>
    nodes(
      (await state.server.gql(EnterprisesMyInvitationsDocument, {}, { token: session.token })).data!
        .myMembershipInvitations,
    );

  beforeAll(async () => {
    // Tokens outlive the invitations, so that a test can let an invitation expire and still act.
    state.server = await startTestServer({ clock, config: { jwtTtlSeconds: 365 * 24 * 3600 } });
    state.world = new World(state.server);
  });
  afterAll(() => state.server.close());

  return Object.assign(state, { clock, enterpriseWith, invite, myInvitations });
}
