import { print } from 'graphql';
import {
  SharingCanShareOnwardDocument,
  SharingDeviceMyAccessDocument,
  SharingLeaveShareDocument,
  SharingRebootDeviceDocument,
  SharingRemoveSharedDeviceIdDocument,
  SharingShareSharersAllDocument,
  SharingShareSharersByStatusDocument,
  SharingShareStatusChangedCursorDocument,
  SharingSharedWithMeByStatusDocument,
} from '../../support/graphql/documents.generated';
import type { Client } from 'graphql-ws';
import {
  AddDevicesToShareDocument,
  CancelShareDocument,
  ShareDocument,
} from '../../support/graphql/documents.generated';
import { addMember } from '../../support/members';
import { errorCodes, nodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Member, type Team } from '../../support/world';

const DEVICE = SharingDeviceMyAccessDocument;
const REBOOT = SharingRebootDeviceDocument;
const SHARED_WITH_ME = SharingSharedWithMeByStatusDocument;
const SHARERS = SharingShareSharersAllDocument;
const EVENTS = SharingShareStatusChangedCursorDocument;

/**
 * SPEC §2 "Accepting": a recipient accepts a share into one enterprise of theirs, and from then on
 * the devices belong to that enterprise's view. Acting in any other enterprise (another data
 * center, say) the recipient does not see them at all; and the share is a grant to one person, so
 * the other members of the receiving enterprise get nothing through it.
 */
describe('received devices are seen and used only while acting in the receiving enterprise', () => {
  let server: TestServer;
  let world: World;
  let acme: Team;
  let rita: Member;
  let colleague: Session;
  let ritaEu: string;
  let ritaUs: string;
  let deviceId: string;
  let shareId: string;

  beforeAll(async () => {
    server = await startTestServer();
    world = new World(server);
    acme = await world.team('Acme');
    deviceId = await world.device(acme);
    rita = await world.person('Rita');
    ritaEu = rita.enterpriseId;
    ritaUs = await world.enterprise(rita, 'Rita Service US', 'US');
    colleague = await server.signUp('Colleague');
    await addMember(server, rita, ritaEu, colleague, 'ADMIN');
    const invitation = await world.share(acme, rita, [deviceId], { permissions: ['MONITOR', 'CONTROL'] });
    shareId = invitation.shareId;
    await world.accept(rita, invitation, ritaEu);
  });
  afterAll(() => server.close());

  const as = (session: Session, enterpriseId?: string) => ({ token: session.token, enterpriseId });

  it('acting in the receiving enterprise, the recipient reads, operates and lists what the share grants', async () => {
    const device = await server.gql(DEVICE, { id: deviceId }, as(rita, ritaEu));
    expect(errorCodes(device)).toEqual([]);
    expect(device.data!.device.myAccess).toEqual({ permissions: ['MONITOR', 'CONTROL'], share: { id: shareId } });
    expect(errorCodes(await server.gql(REBOOT, { id: deviceId }, as(rita, ritaEu)))).toEqual([]);
    const listed = await server.gql(SHARED_WITH_ME, {}, as(rita, ritaEu));
    expect(nodes(listed.data!.sharedWithMe).map((share) => share.id)).toEqual([shareId]);
    expect(errorCodes(await server.gql(ShareDocument, { id: shareId }, as(rita, ritaEu)))).toEqual([]);
  });

  it('acting in another enterprise of theirs, every read and operation of the device is NOT_FOUND, and the share is not listed', async () => {
    expect(errorCodes(await server.gql(DEVICE, { id: deviceId }, as(rita, ritaUs)))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await server.gql(REBOOT, { id: deviceId }, as(rita, ritaUs)))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await server.gql(ShareDocument, { id: shareId }, as(rita, ritaUs)))).toEqual(['NOT_FOUND']);
    const listed = await server.gql(SHARED_WITH_ME, {}, as(rita, ritaUs));
    expect(listed.data!.sharedWithMe.edges).toEqual([]);
    const sharers = await server.gql(SHARERS, {}, as(rita, ritaUs));
    expect(sharers.data!.shareSharers.edges).toEqual([]);
  });

  it('acting elsewhere, no operation of the device tells it exists (NOT_FOUND, never FORBIDDEN), nor may it be shared on or removed', async () => {
    const policy = await world.ok<{ createNotificationPolicy: { id: string } }>(
      `mutation { createNotificationPolicy(name: "US alerts") { id } }`,
      {},
      as(rita, ritaUs),
    );
    const operations: [string, Record<string, unknown>][] = [
      [`mutation ($id: ID!) { runDiagnostics(deviceId: $id) { id } }`, {}],
      [`mutation ($id: ID!) { upgradeFirmware(deviceId: $id, version: "2.0.0") { id } }`, {}],
      [`mutation ($id: ID!) { updateDeviceConfiguration(deviceId: $id, configuration: { a: 1 }) { id } }`, {}],
      [`mutation ($id: ID!) { applyLicense(deviceId: $id, licenseKey: "KEY-1") { id } }`, {}],
      [`mutation ($id: ID!) { generateReport(deviceId: $id) { id } }`, {}],
      [
        `mutation ($id: ID!, $policy: ID!) { addDeviceToNotificationPolicy(deviceId: $id, policyId: $policy) { id } }`,
        { policy: policy.createNotificationPolicy.id },
      ],
    ];
    for (const [operation, variables] of operations) {
      const answer = await server.gql(operation, { id: deviceId, ...variables }, as(rita, ritaUs));
      expect([operation, errorCodes(answer)]).toEqual([operation, ['NOT_FOUND']]);
    }
    const CHECK = SharingCanShareOnwardDocument;
    const check = (enterpriseId: string) => server.gql(CHECK, { ids: [deviceId] }, as(rita, enterpriseId));
    expect((await check(ritaUs)).data!.canShareDevices.devices).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await check(ritaEu)).data!.canShareDevices.devices).toEqual([{ code: 'RESHARE_FORBIDDEN' }]);
    const REMOVE = SharingRemoveSharedDeviceIdDocument;
    expect(errorCodes(await server.gql(REMOVE, { id: shareId, deviceId }, as(rita, ritaUs)))).toEqual(['NOT_FOUND']);
    const LEAVE = SharingLeaveShareDocument;
    expect(errorCodes(await server.gql(LEAVE, { id: shareId }, as(rita, ritaUs)))).toEqual(['NOT_FOUND']);
  });

  it('an invitation not accepted yet is listed wherever the recipient acts', async () => {
    const { shareId: invitationId } = await world.share(acme, rita, [await world.device(acme)]);
    for (const enterpriseId of [ritaEu, ritaUs]) {
      const listed = await server.gql(SHARED_WITH_ME, {}, as(rita, enterpriseId));
      expect(nodes(listed.data!.sharedWithMe)).toContainEqual({ id: invitationId, status: 'PENDING' });
    }
  });

  it('naming no enterprise among several, the recipient acts in none: the device is NOT_FOUND', async () => {
    expect(errorCodes(await server.gql(DEVICE, { id: deviceId }, as(rita)))).toEqual(['NOT_FOUND']);
  });

  it('another member of the receiving enterprise gets nothing through the share', async () => {
    expect(errorCodes(await server.gql(DEVICE, { id: deviceId }, as(colleague, ritaEu)))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await server.gql(REBOOT, { id: deviceId }, as(colleague, ritaEu)))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await server.gql(ShareDocument, { id: shareId }, as(colleague, ritaEu)))).toEqual(['NOT_FOUND']);
    const listed = await server.gql(SHARED_WITH_ME, {}, as(colleague, ritaEu));
    expect(listed.data!.sharedWithMe.edges).toEqual([]);
  });

  it("subscriptions follow the acting enterprise too: the share's events reach the recipient acting in it, never elsewhere", async () => {
    const clients: Client[] = [];
    const subscribe = (enterpriseId: string, variables: Record<string, unknown>) => {
      const client = server.wsClient({ authorization: `Bearer ${rita.token}`, 'x-enterprise-id': enterpriseId });
      clients.push(client);
      const received: { type?: string; shareId?: string; error?: string }[] = [];
      client.subscribe<{ shareStatusChanged: { type: string; share: { id: string } } }>(
        { query: print(EVENTS), variables },
        {
          next: (result) =>
            received.push(
              result.errors
                ? { error: String(result.errors[0].extensions?.code) }
                : {
                    type: result.data!.shareStatusChanged.type,
                    shareId: result.data!.shareStatusChanged.share.id,
                  },
            ),
          error: (error) =>
            received.push({ error: String((error as { extensions?: { code?: unknown } }[])[0]?.extensions?.code) }),
          complete: () => {},
        },
      );
      return received;
    };
    try {
      const inEu = subscribe(ritaEu, {});
      const inUs = subscribe(ritaUs, {});
      const filteredInUs = subscribe(ritaUs, { shareId });
      await until(() => server.app.services.bus.listenerCount() >= 2 && filteredInUs.length > 0);
      expect(filteredInUs).toEqual([{ error: 'NOT_FOUND' }]);

      // The owner adds a device to the share; then invites Rita to another, which she sees wherever she acts.
      await world.ok(
        AddDevicesToShareDocument,
        { shareId, deviceIds: [await world.device(acme)] },
        { token: acme.admin.token },
      );
      const { shareId: invitationId } = await world.share(acme, rita, [await world.device(acme)]);
      await until(() => inEu.some((event) => event.shareId === invitationId));
      await until(() => inUs.some((event) => event.shareId === invitationId));
      expect(inEu.filter((event) => event.shareId === shareId).map((event) => event.type)).toEqual(['DEVICES_ADDED']);
      expect(inUs.filter((event) => event.shareId === shareId)).toEqual([]);
      expect(inUs.map((event) => event.shareId)).toEqual([invitationId]);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('sharedWithMe and shareSharers list live shares unless the status filter asks for ended ones', async () => {
    const cancelled = await world.ok(CancelShareDocument, { shareId }, { token: acme.admin.token });
    expect(cancelled.cancelShare).toEqual({ id: shareId, status: 'CANCELLED', endReason: 'CANCELLED_BY_SHARER' });
    const live = await server.gql(SHARED_WITH_ME, {}, as(rita, ritaEu));
    expect(nodes(live.data!.sharedWithMe).map((share) => share.id)).not.toContain(shareId);
    const ended = await server.gql(SHARED_WITH_ME, { status: ['CANCELLED'] }, as(rita, ritaEu));
    expect(nodes(ended.data!.sharedWithMe).map((share) => share.id)).toEqual([shareId]);
    // Acme's live shares to Rita are now the two invitations of the tests above.
    const COUNTS = SharingShareSharersByStatusDocument;
    const sharers = await server.gql(COUNTS, {}, as(rita, ritaEu));
    expect(nodes(sharers.data!.shareSharers).map((sharer) => sharer.counts)).toEqual([
      { pending: 2, active: 0, cancelled: 0 },
    ]);
    const endedSharers = await server.gql(COUNTS, { status: ['CANCELLED'] }, as(rita, ritaEu));
    expect(nodes(endedSharers.data!.shareSharers).map((sharer) => sharer.counts)).toEqual([
      { pending: 0, active: 0, cancelled: 1 },
    ]);
  });

  it('a recipient who leaves the receiving enterprise no longer gets the share through a subscription opened there', async () => {
    const otherDevice = await world.device(acme);
    const invitation = await world.share(acme, rita, [otherDevice], { permissions: ['MONITOR'] });
    await world.accept(rita, invitation, ritaEu);
    const client = server.wsClient({ authorization: `Bearer ${rita.token}`, 'x-enterprise-id': ritaEu });
    const received: { type: string; shareId: string }[] = [];
    client.subscribe<{ shareStatusChanged: { type: string; share: { id: string } } }>(
      { query: print(EVENTS) },
      {
        next: ({ data }) =>
          data && received.push({ type: data.shareStatusChanged.type, shareId: data.shareStatusChanged.share.id }),
        error: () => {},
        complete: () => {},
      },
    );
    const [added, addedLater] = [await world.device(acme), await world.device(acme)];
    const addDevice = (deviceId: string) =>
      world.ok(
        AddDevicesToShareDocument,
        { shareId: invitation.shareId, deviceIds: [deviceId] },
        { token: acme.admin.token },
      );
    try {
      await until(() => server.app.services.bus.listenerCount() > 0);
      await addDevice(added);
      await until(() => received.some((event) => event.shareId === invitation.shareId));

      await world.ok(
        `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) }`,
        { input: { enterpriseId: ritaEu, accountId: rita.account.id } },
        as(rita, ritaEu),
      );
      await addDevice(addedLater);
      // A new invitation reaches Rita wherever she acts: once it is there, the change before it would be too.
      const { shareId: nextInvitation } = await world.share(acme, rita, [await world.device(acme)]);
      await until(() => received.some((event) => event.shareId === nextInvitation));
      expect(received.filter((event) => event.shareId === invitation.shareId)).toEqual([
        { type: 'DEVICES_ADDED', shareId: invitation.shareId },
      ]);
    } finally {
      await client.dispose();
    }
  });
});

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
