import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AuditAuditLogDocument,
  AuditCancelSharedDevicesDocument,
  ResendShareInvitationCodeDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { CancelShareDocument } from '../../support/graphql/documents.generated';
import { World, type Team } from '../../support/world';

const LOG = AuditAuditLogDocument;
const CANCEL_DEVICES = AuditCancelSharedDevicesDocument;
const RESEND = ResendShareInvitationCodeDocument;

interface Event {
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  actor: { id: string } | null;
}
type Log = {
  auditLog: { edges: { cursor: string; node: Event }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

describe('the event log of a device (auditLog with deviceId)', () => {
  let server: TestServer;
  let world: World;
  let owner: Team;
  let admin: Session;
  let operator: Session;
  let enterpriseId: string;

  beforeAll(async () => {
    server = await startTestServer();
    world = new World(server);
    owner = await world.team('Owner Inc', { operator: true });
    ({ admin, enterpriseId } = owner);
    operator = owner.operator!;
  });
  afterAll(() => server.close());

  const device = () => world.device(owner);

  /** Runs an operation as the owner's ADMIN, failing the test on any error. */
  const byAdmin = <T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V) =>
    world.ok(document, variables, { token: admin.token, enterpriseId });
  const cancel = (shareId: string) => world.ok(CancelShareDocument, { shareId }, { token: admin.token, enterpriseId });

  async function log(reader: Session, variables: Record<string, unknown>): Promise<Event[]> {
    const response = await server.gql(LOG, { first: 500, ...variables }, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.auditLog.edges.map((edge) => edge.node);
  }

  /** [action, targetId] of each event, newest first. */
  const summary = (events: Event[]) => events.map((event) => [event.action, event.targetId]);

  it("lists the events of the shares that hold or held the device, each naming it, and not other devices' shares", async () => {
    const [a, b, c] = [await device(), await device(), await device()];
    const recipient = await world.person('Recipient');

    // A share of a alone: sent, accepted, cancelled.
    const first = await world.share(owner, recipient, [a]);
    await world.accept(recipient, first);
    await cancel(first.shareId);
    // A share of b alone: nothing to do with a.
    const other = await world.share(owner, 'other@example.com', [b]);
    // A share of a and b, from which b is cancelled (not about a), then re-sent (about the whole share).
    const both = await world.share(owner, 'both@example.com', [a, b]);
    await byAdmin(CANCEL_DEVICES, { id: both.shareId, deviceIds: [b] });
    await byAdmin(RESEND, { id: both.shareId });

    const ofA = await log(admin, { enterpriseId, deviceId: a });
    expect(summary(ofA)).toEqual([
      ['share.invitation_resent', both.shareId],
      ['share.created', both.shareId],
      ['share.cancelled', first.shareId],
      ['share.accepted', first.shareId],
      ['share.created', first.shareId],
      ['device.registered', a],
    ]);
    expect(ofA.slice(2, 5)).toEqual([
      {
        action: 'share.cancelled',
        targetType: 'Share',
        targetId: first.shareId,
        details: { recipientEmail: recipient.account.email, deviceIds: [a], status: 'CANCELLED' },
        actor: { id: admin.account.id },
      },
      {
        action: 'share.accepted',
        targetType: 'Share',
        targetId: first.shareId,
        details: { recipientEmail: recipient.account.email, deviceIds: [a], status: 'ACTIVE' },
        actor: { id: recipient.account.id },
      },
      {
        action: 'share.created',
        targetType: 'Share',
        targetId: first.shareId,
        details: { recipientEmail: recipient.account.email, deviceIds: [a], status: 'PENDING' },
        actor: { id: admin.account.id },
      },
    ]);

    expect(summary(await log(admin, { enterpriseId, deviceId: b }))).toEqual([
      ['share.invitation_resent', both.shareId],
      ['share.devices_cancelled', both.shareId],
      ['share.created', both.shareId],
      ['share.created', other.shareId],
      ['device.registered', b],
    ]);
    expect(summary(await log(admin, { enterpriseId, deviceId: c }))).toEqual([['device.registered', c]]);
  });

  it("without enterpriseId, a device's events are still only the viewer's own actions", async () => {
    const deviceId = await device();
    const recipient = await world.person('Recipient');
    const shared = await world.share(owner, recipient, [deviceId]);
    await world.accept(recipient, shared);
    await cancel(shared.shareId);

    expect(summary(await log(recipient, { deviceId }))).toEqual([['share.accepted', shared.shareId]]);
    expect(summary(await log(admin, { deviceId }))).toEqual([
      ['share.cancelled', shared.shareId],
      ['share.created', shared.shareId],
      ['device.registered', deviceId],
    ]);
    // A share event is in the sharer's enterprise's log: the recipient may not read that log.
    const response = await server.gql(LOG, { enterpriseId, deviceId }, { token: recipient.token });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });

  it("the enterprise's log of a device stays for its ADMINs: an OPERATOR gets FORBIDDEN, a stranger NOT_FOUND", async () => {
    const deviceId = await device();
    await world.share(owner, 'someone@example.com', [deviceId]);
    const stranger = await server.signUp('Stranger');
    for (const [reader, code] of [
      [operator, 'FORBIDDEN'],
      [stranger, 'NOT_FOUND'],
    ] as const) {
      const response = await server.gql(LOG, { enterpriseId, deviceId }, { token: reader.token });
      expect(errorCodes(response)).toEqual([code]);
    }
    // The OPERATOR's own log of the device holds nothing: the ADMIN did all of it.
    expect(await log(operator, { deviceId })).toEqual([]);
  });

  it("a device's events page newest first without skipping or repeating any", async () => {
    const deviceId = await device();
    for (let i = 0; i < 3; i++) {
      const { shareId } = await world.share(owner, `page-${i}@example.com`, [deviceId]);
      await cancel(shareId);
    }
    const whole = summary(await log(admin, { enterpriseId, deviceId }));
    expect(whole).toHaveLength(7);
    const paged: (string | undefined)[][] = [];
    let after: string | null = null;
    do {
      const response: { data?: Log | null } = await server.gql(
        LOG,
        { enterpriseId, deviceId, first: 2, after },
        { token: admin.token },
      );
      const page: Log['auditLog'] = response.data!.auditLog;
      paged.push(...summary(page.edges.map((edge) => edge.node)));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(whole);
  });
});
