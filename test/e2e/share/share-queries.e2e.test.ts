import {
  SharingDeviceSharesDocument,
  SharingShareStatusDocument,
  SharingShareGraphDocument,
  SharingShareRecipientCursorsDocument,
  SharingShareRecipientsPageDocument,
  SharingShareRecipientsFirstDocument,
  SharingShareSharersDocument,
  SharingSharedByMeDocument,
  type SharingSharedByMeQuery,
  SharingSharedWithMeDocument,
} from '../../support/graphql/documents.generated';
import { randomUUID } from 'node:crypto';
import {
  errorCodes,
  nodes,
  startTestServer,
  type GraphQLResponse,
  type Session,
  type TestServer,
} from '../../support/test-server';
import { World, type Member, type Team } from '../../support/world';

const SHARED_BY_ME = SharingSharedByMeDocument;
const SHARED_WITH_ME = SharingSharedWithMeDocument;

describe('reading shares', () => {
  let server: TestServer;
  let world: World;
  let team: Team;
  let sharer: Member;
  let recipient: Member;
  let stranger: Session;
  const deviceIds: string[] = [];
  const shareIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    world = new World(server);
    team = await world.team('Sharer');
    sharer = team.admin;
    recipient = await world.person('Recipient');
    stranger = await server.signUp('Stranger');
    for (let i = 0; i < 5; i++) {
      deviceIds.push(await world.device(team, { name: 'UPS', model: 'M' }));
      const sent = await world.share(team, i < 3 ? recipient : `other${i}@example.com`, [deviceIds[i]]);
      shareIds.push(sent.shareId);
      if (i === 0) await world.accept(recipient, sent);
    }
  });
  afterAll(() => server.close());

  it('share(id) answers the sharer and the recipient, and NOT_FOUND to anyone else', async () => {
    const query = SharingShareStatusDocument;
    for (const who of [sharer, recipient]) {
      expect((await server.gql(query, { id: shareIds[0] }, { token: who.token })).data!.share.id).toBe(shareIds[0]);
    }
    expect(errorCodes(await server.gql(query, { id: shareIds[0] }, { token: stranger.token }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await server.gql(query, { id: randomUUID() }, { token: sharer.token }))).toEqual(['NOT_FOUND']);
  });

  it('sharedByMe lists the shares sent, newest first, filtered by status and recipient', async () => {
    const all = await server.gql(SHARED_BY_ME, {}, { token: sharer.token });
    expect(all.data!.sharedByMe.edges.map((edge) => edge.node.id)).toEqual([...shareIds].reverse());
    const active = await server.gql(
      SHARED_BY_ME,
      { status: ['ACTIVE'] },
      {
        token: sharer.token,
      },
    );
    expect(active.data!.sharedByMe.edges.map((edge) => edge.node.id)).toEqual([shareIds[0]]);
    const toRecipient = await server.gql(
      SHARED_BY_ME,
      { email: recipient.account.email.toUpperCase() },
      { token: sharer.token },
    );
    expect(toRecipient.data!.sharedByMe.edges.map((edge) => edge.node.id)).toEqual([
      shareIds[2],
      shareIds[1],
      shareIds[0],
    ]);
    const nothing = await server.gql(SHARED_BY_ME, {}, { token: stranger.token });
    expect(nothing.data!.sharedByMe.edges).toEqual([]);
  });

  it('sharedByMe pages with keyset cursors: nothing skipped or repeated while shares are added', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let lateShareId = '';
    do {
      if (pages++ === 1) {
        // A share made between two pages comes first in a fresh listing, not in the next page.
        const late = await world.share(team, 'late@example.com', [
          await world.device(team, { name: 'UPS', model: 'M' }),
        ]);
        lateShareId = late.shareId;
      }
      const page: GraphQLResponse<SharingSharedByMeQuery> = await server.gql(
        SHARED_BY_ME,
        { first: 2, after },
        { token: sharer.token },
      );
      seen.push(...page.data!.sharedByMe.edges.map((edge) => edge.node.id));
      after = page.data!.sharedByMe.pageInfo.hasNextPage ? page.data!.sharedByMe.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual([...shareIds].reverse());
    shareIds.push(lateShareId);
  });

  it('sharedWithMe lists what was sent to the viewer: accepted, and pending for its e-mail', async () => {
    const mine = await server.gql(SHARED_WITH_ME, {}, { token: recipient.token });
    expect(mine.data!.sharedWithMe.edges.map((edge) => [edge.node.id, edge.node.status])).toEqual([
      [shareIds[2], 'PENDING'],
      [shareIds[1], 'PENDING'],
      [shareIds[0], 'ACTIVE'],
    ]);
    expect(mine.data!.sharedWithMe.edges[0].node.sharer.email).toBe(sharer.account.email);
    const active = await server.gql(
      SHARED_WITH_ME,
      { status: ['ACTIVE'] },
      {
        token: recipient.token,
      },
    );
    expect(active.data!.sharedWithMe.edges).toHaveLength(1);
    expect((await server.gql(SHARED_WITH_ME, {}, { token: stranger.token })).data!.sharedWithMe.edges).toEqual([]);
  });

  it('shareRecipients groups "Shared by me" per recipient, with counts per status', async () => {
    const response = await server.gql(SharingShareRecipientCursorsDocument, {}, { token: sharer.token });
    expect(errorCodes(response)).toEqual([]);
    const byEmail = new Map(
      response.data!.shareRecipients.edges.map((edge) => [edge.node.recipientEmail, edge.node.counts]),
    );
    expect(byEmail.get(recipient.account.email)).toEqual({ pending: 2, active: 1, cancelled: 0, expired: 0 });
    expect(byEmail.get('other3@example.com')).toEqual({ pending: 1, active: 0, cancelled: 0, expired: 0 });
    const emails = response.data!.shareRecipients.edges.map((edge) => edge.node.recipientEmail);
    expect(emails).toEqual([...emails].sort());
    const second = await server.gql(
      SharingShareRecipientsPageDocument,
      {
        after: (await server.gql(SharingShareRecipientsFirstDocument, {}, { token: sharer.token })).data!
          .shareRecipients.pageInfo.endCursor,
      },
      { token: sharer.token },
    );
    expect(second.data!.shareRecipients.edges.map((edge) => edge.node.recipientEmail)).toEqual([emails[1]]);
  });

  it('shareSharers groups "Shared with me" per sharer', async () => {
    const response = await server.gql(
      SharingShareSharersDocument,
      {},
      {
        token: recipient.token,
      },
    );
    expect(errorCodes(response)).toEqual([]);
    expect(response.data!.shareSharers.edges.map((edge) => edge.node)).toEqual([
      {
        sharer: { id: sharer.account.id, email: sharer.account.email },
        counts: { pending: 2, active: 1, cancelled: 0, expired: 0 },
      },
    ]);
  });

  it("shareGraph lists the enterprise's device → recipient edges for its ADMINs; others get FORBIDDEN or NOT_FOUND", async () => {
    const graph = SharingShareGraphDocument;
    const { enterpriseId } = team;
    const response = await server.gql(graph, { e: enterpriseId }, { token: sharer.token });
    expect(errorCodes(response)).toEqual([]);
    expect(response.data!.shareGraph.edges.map((edge) => edge.node.share.id)).toEqual([...shareIds].reverse());
    const active = await server.gql(graph, { e: enterpriseId, status: ['ACTIVE'] }, { token: sharer.token });
    expect(active.data!.shareGraph.edges.map((edge) => edge.node.share.id)).toEqual([shareIds[0]]);
    expect(errorCodes(await server.gql(graph, { e: enterpriseId }, { token: stranger.token }))).toEqual(['NOT_FOUND']);
  });

  it('device.shares shows the owner ADMIN who it is shared with; device.myAccess says what the viewer may do', async () => {
    const [deviceId] = deviceIds;
    const query = SharingDeviceSharesDocument;
    const owner = await server.gql(query, { id: deviceId }, { token: sharer.token });
    expect(nodes(owner.data!.device.shares).map((share) => share.id)).toEqual([shareIds[0]]);
    expect(owner.data!.device.myAccess).toEqual({
      role: 'ADMIN',
      permissions: ['MONITOR', 'CONFIGURE', 'CONTROL', 'FIRMWARE', 'LICENSE', 'REPORTS', 'NOTIFICATIONS'],
      share: null,
    });
    const received = await server.gql(query, { id: deviceId }, { token: recipient.token });
    expect(nodes(received.data!.device.shares)).toEqual([]);
    expect(received.data!.device.myAccess).toEqual({
      role: null,
      permissions: ['MONITOR'],
      share: { id: shareIds[0] },
    });
  });
});
