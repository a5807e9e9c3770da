import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Team } from '../../support/world';

const LOG = `query ($enterpriseId: ID, $deviceId: ID, $first: Int, $after: String) {
  auditLog(enterpriseId: $enterpriseId, deviceId: $deviceId, first: $first, after: $after) {
    edges { cursor node { action targetType targetId details actor { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SHARE = `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { shareLink share { id } } }`;
const ACCEPT = `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`;
const CANCEL = `mutation ($id: ID!) { cancelShare(shareId: $id) { status } }`;
const CANCEL_DEVICES = `mutation ($id: ID!, $deviceIds: [ID!]!) { cancelSharedDevices(shareId: $id, deviceIds: $deviceIds) { status } }`;
const RESEND = `mutation ($id: ID!) { resendShareInvitation(shareId: $id) { confirmationCode } }`;

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

  /** Runs an operation as `by`, failing the test on any error. */
  async function ok<T>(by: Session, query: string, variables: Record<string, unknown>, actingIn?: string) {
    const response = await server.gql<T>(query, variables, { token: by.token, enterpriseId: actingIn });
    expect(errorCodes(response)).toEqual([]);
    return response.data!;
  }

  async function share(deviceIds: string[], recipientEmail: string) {
    const { shareDevices } = await ok<{ shareDevices: { shareLink: string; share: { id: string } } }>(
      admin,
      SHARE,
      { input: { deviceIds, recipientEmail, permissions: ['MONITOR'] } },
      enterpriseId,
    );
    return { id: shareDevices.share.id, token: new URL(shareDevices.shareLink).searchParams.get('token')! };
  }

  async function log(reader: Session, variables: Record<string, unknown>): Promise<Event[]> {
    const response = await server.gql<Log>(LOG, { first: 500, ...variables }, { token: reader.token });
    expect(errorCodes(response)).toEqual([]);
    return response.data!.auditLog.edges.map((edge) => edge.node);
  }

  /** [action, targetId] of each event, newest first. */
  const summary = (events: Event[]) => events.map((event) => [event.action, event.targetId]);

  it("lists the events of the shares that hold or held the device, each naming it, and not other devices' shares", async () => {
    const [a, b, c] = [await device(), await device(), await device()];
    const recipient = await server.signUp('Recipient');
    await ok(recipient, `mutation { createEnterprise(input: { name: "Service Co", dataCenter: EU }) { id } }`, {});

    // A share of a alone: sent, accepted, cancelled.
    const first = await share([a], recipient.account.email);
    await ok(recipient, ACCEPT, { input: { token: first.token } });
    await ok(admin, CANCEL, { id: first.id });
    // A share of b alone: nothing to do with a.
    const other = await share([b], 'other@example.com');
    // A share of a and b, from which b is cancelled (not about a), then re-sent (about the whole share).
    const both = await share([a, b], 'both@example.com');
    await ok(admin, CANCEL_DEVICES, { id: both.id, deviceIds: [b] });
    await ok(admin, RESEND, { id: both.id });

    const ofA = await log(admin, { enterpriseId, deviceId: a });
    expect(summary(ofA)).toEqual([
      ['share.invitation_resent', both.id],
      ['share.created', both.id],
      ['share.cancelled', first.id],
      ['share.accepted', first.id],
      ['share.created', first.id],
      ['device.registered', a],
    ]);
    expect(ofA.slice(2, 5)).toEqual([
      {
        action: 'share.cancelled',
        targetType: 'Share',
        targetId: first.id,
        details: { recipientEmail: recipient.account.email, deviceIds: [a], status: 'CANCELLED' },
        actor: { id: admin.account.id },
      },
      {
        action: 'share.accepted',
        targetType: 'Share',
        targetId: first.id,
        details: { recipientEmail: recipient.account.email, deviceIds: [a], status: 'ACTIVE' },
        actor: { id: recipient.account.id },
      },
      {
        action: 'share.created',
        targetType: 'Share',
        targetId: first.id,
        details: { recipientEmail: recipient.account.email, deviceIds: [a], status: 'PENDING' },
        actor: { id: admin.account.id },
      },
    ]);

    expect(summary(await log(admin, { enterpriseId, deviceId: b }))).toEqual([
      ['share.invitation_resent', both.id],
      ['share.devices_cancelled', both.id],
      ['share.created', both.id],
      ['share.created', other.id],
      ['device.registered', b],
    ]);
    expect(summary(await log(admin, { enterpriseId, deviceId: c }))).toEqual([['device.registered', c]]);
  });

  it("without enterpriseId, a device's events are still only the viewer's own actions", async () => {
    const deviceId = await device();
    const recipient = await server.signUp('Recipient');
    await ok(recipient, `mutation { createEnterprise(input: { name: "Service Co", dataCenter: EU }) { id } }`, {});
    const shared = await share([deviceId], recipient.account.email);
    await ok(recipient, ACCEPT, { input: { token: shared.token } });
    await ok(admin, CANCEL, { id: shared.id });

    expect(summary(await log(recipient, { deviceId }))).toEqual([['share.accepted', shared.id]]);
    expect(summary(await log(admin, { deviceId }))).toEqual([
      ['share.cancelled', shared.id],
      ['share.created', shared.id],
      ['device.registered', deviceId],
    ]);
    // A share event is in the sharer's enterprise's log: the recipient may not read that log.
    const response = await server.gql(LOG, { enterpriseId, deviceId }, { token: recipient.token });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });

  it("the enterprise's log of a device stays for its ADMINs: an OPERATOR gets FORBIDDEN, a stranger NOT_FOUND", async () => {
    const deviceId = await device();
    await share([deviceId], 'someone@example.com');
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
      const { id } = await share([deviceId], `page-${i}@example.com`);
      await ok(admin, CANCEL, { id });
    }
    const whole = summary(await log(admin, { enterpriseId, deviceId }));
    expect(whole).toHaveLength(7);
    const paged: (string | undefined)[][] = [];
    let after: string | null = null;
    do {
      const response: { data?: Log | null } = await server.gql<Log>(
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
