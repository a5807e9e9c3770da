import { ManualClock } from '../../support/manual-clock';
import {
  SharingAcceptShareDocument,
  SharingShareDevicesDocument,
  type DataCenter,
  type DevicePlan,
  type ShareDevicesInput,
  type SharingShareDevicesMutation,
  type SharingShareDevicesMutationVariables,
} from '../../support/graphql/documents.generated';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Team } from '../../support/world';

/*
 * The shared world of the sharing specs (SPEC §2, share-creation, share-acceptance and
 * share-changes): the enterprise Acme with an ADMIN, an OPERATOR and a VIEWER, a clock the specs
 * move, and the documents they send. Each spec file gets a server and a world of its own
 * (`useSharing`).
 */

export {
  SharingAcceptShareDocument as ACCEPT,
  SharingCancelShareDocument as CANCEL,
  SharingCancelSharedDevicesDocument as CANCEL_DEVICES,
  SharingCanShareDevicesDocument as CHECK,
  SharingDeviceDocument as DEVICE,
  SharingDeviceVisibleDocument as VISIBLE,
  SharingResendInvitationDocument as RESEND,
  SharingShareDevicesDocument as SHARE,
  SharingShareLinkDocument as LINK,
} from '../../support/graphql/documents.generated';

/** What a connection of these nodes looks like (first page, edges only). */
export const edgesOf = <T>(list: T[]) => ({ edges: list.map((node) => ({ node })) });

/** What `shareDevices` answers (the fields SHARE asks for). */
export type Invitation = SharingShareDevicesMutation['shareDevices'];

/** Registers a server, a world and Acme for the spec file that calls it (in its top-level describe). */
export function useSharing() {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  const state = {} as {
    server: TestServer;
    world: World;
    acme: Team;
    admin: Session;
    operator: Session;
    viewer: Session;
    enterpriseId: string;
  };

  const device = (plan: DevicePlan = 'STANDARD', isDemo = false) => state.world.device(state.acme, { plan, isDemo });
  /** A recipient with an enterprise of their own in `dataCenter`. */
  const recipient = (dataCenter: DataCenter = 'EU') => state.world.person('Recipient', dataCenter);

  const input = (
    deviceIds: string[],
    recipientEmail: string,
    extra: Partial<ShareDevicesInput> = {},
  ): SharingShareDevicesMutationVariables => ({
    input: { deviceIds, recipientEmail, permissions: ['MONITOR', 'CONTROL'], ...extra },
  });

  /** Acme's ADMIN (or `by`) shares `deviceIds` with `recipientEmail`; fails the test if refused. */
  async function share(
    deviceIds: string[],
    recipientEmail: string,
    by: Session = state.admin,
    extra: Partial<ShareDevicesInput> = {},
  ) {
    const response = await state.server.gql(SharingShareDevicesDocument, input(deviceIds, recipientEmail, extra), {
      token: by.token,
      enterpriseId: state.enterpriseId,
    });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.shareDevices;
  }

  /** `who` accepts with the invitation's link into its own enterprise; answers the response. */
  async function accept(who: { token: string; enterpriseId: string }, invitation: Invitation) {
    const token = new URL(invitation.shareLink).searchParams.get('token');
    return state.server.gql(
      SharingAcceptShareDocument,
      { input: { token, enterpriseId: who.enterpriseId } },
      { token: who.token },
    );
  }

  beforeAll(async () => {
    state.server = await startTestServer({ clock, config: { jwtTtlSeconds: 30 * 24 * 3600 } });
    state.world = new World(state.server);
    state.acme = await state.world.team('Acme', { operator: true, viewer: true });
    ({ admin: state.admin, enterpriseId: state.enterpriseId } = state.acme);
    [state.operator, state.viewer] = [state.acme.operator!, state.acme.viewer!];
  });
  afterAll(() => state.server.close());

  return Object.assign(state, { clock, device, recipient, input, share, accept });
}
