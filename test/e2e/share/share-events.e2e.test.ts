import { print } from 'graphql';
import {
  SharingExtendShareIdDocument,
  SetMemberRoleDocument,
  SharingShareEventsAfterDocument,
  SharingShareEventsFirstDocument,
  SharingShareEventsAfterDefaultDocument,
  SharingShareStatusResumedDocument,
} from '../../support/graphql/documents.generated';
import type { Client } from 'graphql-ws';
import { EVENTS_MAY_BE_LOST } from '../../../src/modules/share/events/share-event-bus';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/manual-clock';
import { addMember, type Role } from '../../support/members';
import { CancelShareDocument, type Permission } from '../../support/graphql/documents.generated';
import { errorCodes, nodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Invitation, type Member, type Team } from '../../support/world';

const SUBSCRIPTION = SharingShareStatusResumedDocument;

interface Event {
  cursor: string;
  type: string;
  previousStatus: string | null;
  status: string;
  deviceIds: string[];
  share: {
    id: string;
    status: string;
    devices: { edges: { node: { deviceId: string; status: string; device: { id: string } | null } }[] };
  };
}

/** A live subscription whose events and errors the test can read and wait for. */
function watch(client: Client, variables: Record<string, unknown> = {}) {
  const events: Event[] = [];
  const errors: unknown[] = [];
  let wake: () => void = () => {};
  const dispose = client.subscribe<{ shareStatusChanged: Event }>(
    { query: print(SUBSCRIPTION), variables },
    {
      next: (result) => {
        if (result.data) events.push(result.data.shareStatusChanged);
        if (result.errors) errors.push(...result.errors);
        wake();
      },
      error: (error) => {
        errors.push(...(Array.isArray(error) ? error : [error]));
        wake();
      },
      complete: () => wake(),
    },
  );
  return {
    events,
    errors,
    dispose,
    /** Resolves once `count` events have arrived (or fails after `ms`). */
    async until(count: number, ms = 3_000): Promise<Event[]> {
      const deadline = Date.now() + ms;
      while (events.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `${events.length} of ${count} events after ${ms} ms: ${events.map((e) => e.type).join(', ')}`,
          );
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
    /** Waits a little and asserts nothing more arrived. */
    async quiet(ms = 200): Promise<void> {
      const before = events.length;
      await new Promise((resolve) => setTimeout(resolve, ms));
      expect(events.length).toBe(before);
    },
  };
}

describe('shareStatusChanged', () => {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  let server: TestServer;
  let world: World;
  let team: Team;
  let sharer: Member;
  let recipient: Member;
  let stranger: Member;

  const client = (session: Session) => server.wsClient({ authorization: `Bearer ${session.token}` });

  const device = () => world.device(team, { name: 'UPS', model: 'M' });

  /** A new device shared by the sharer with the recipient: the device, the share, the invitation. */
  async function share(expiresAt?: Date, permissions: Permission[] = ['MONITOR']) {
    const deviceId = await device();
    const sent = await world.share(team, recipient, [deviceId], { permissions, expiresAt: expiresAt?.toISOString() });
    return { deviceId, shareId: sent.shareId, sent };
  }

  const accept = (sent: Invitation) => world.accept(recipient, sent);
  const cancel = (shareId: string) => world.ok(CancelShareDocument, { shareId }, { token: sharer.token });

  beforeAll(async () => {
    server = await startTestServer({ clock, config: { jwtTtlSeconds: 365 * 24 * 3600 } });
    world = new World(server);
    team = await world.team('Sharer');
    sharer = team.admin;
    recipient = await world.person('Recipient');
    stranger = await world.person('Stranger');
  });
  afterAll(() => server.close());

  it('sharer and recipient see PENDING, ACTIVE and CANCELLED as they happen; a stranger sees nothing', async () => {
    const [bySharer, byRecipient, byStranger] = [sharer, recipient, stranger].map((who) => watch(client(who)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { shareId, sent } = await share();
    await accept(sent);
    await cancel(shareId);
    for (const watcher of [bySharer, byRecipient]) {
      const events = await watcher.until(3);
      expect(events.map((event) => [event.type, event.previousStatus, event.status])).toEqual([
        ['CREATED', null, 'PENDING'],
        ['ACCEPTED', 'PENDING', 'ACTIVE'],
        ['CANCELLED', 'ACTIVE', 'CANCELLED'],
      ]);
      expect(events.every((event) => event.share.id === shareId)).toBe(true);
    }
    await byStranger.quiet();
    expect(byStranger.events).toEqual([]);
    for (const watcher of [bySharer, byRecipient, byStranger]) watcher.dispose();
  });

  it('every event type reaches the subscriber', async () => {
    const watcher = watch(client(sharer));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const gql = (query: string, variables: Record<string, unknown>, token = sharer.token) =>
      server.gql(query, variables, { token }).then((response) => expect(errorCodes(response)).toEqual([]));
    const { shareId, sent, deviceId } = await share(new Date(clock.now().getTime() + 30 * 24 * 3600 * 1000), [
      'MONITOR',
      'CONTROL',
    ]);
    const [second, third] = [await device(), await device()];
    await accept(sent);
    await gql(`mutation ($id: ID!, $d: [ID!]!) { addDevicesToShare(shareId: $id, deviceIds: $d) { id } }`, {
      id: shareId,
      d: [second, third],
    });
    await gql(`mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 1 }) { id } }`, { id: shareId });
    await gql(`mutation ($id: ID!, $d: [ID!]!) { cancelSharedDevices(shareId: $id, deviceIds: $d) { id } }`, {
      id: shareId,
      d: [second],
    });
    await gql(
      `mutation ($id: ID!, $d: ID!) { removeSharedDevice(shareId: $id, deviceId: $d) { id } }`,
      { id: shareId, d: third },
      recipient.token,
    );
    await gql(`mutation ($id: ID!) { changeDevicePlan(deviceId: $id, plan: BASIC) { id } }`, { id: deviceId });
    await gql(`mutation ($id: ID!) { changeDevicePlan(deviceId: $id, plan: STANDARD) { id } }`, { id: deviceId });
    clock.advance(30 * 24 * 3600 * 1000 + 1000);
    await watcher.until(9);
    clock.advance(24 * 3600 * 1000);
    await watcher.until(10);
    const other = await share();
    await cancel(other.shareId);
    const events = await watcher.until(12);
    expect(events.map((event) => event.type)).toEqual([
      'CREATED',
      'ACCEPTED',
      'DEVICES_ADDED',
      'EXTENDED',
      'DEVICES_CANCELLED',
      'DEVICE_REMOVED',
      'DEGRADED',
      'RESTORED',
      'EXPIRING_SOON',
      'EXPIRED',
      'CREATED',
      'CANCELLED',
    ]);
    watcher.dispose();
  });

  it("a stranger cannot subscribe to another's share: NOT_FOUND", async () => {
    const { shareId } = await share();
    const byStranger = watch(client(stranger), { shareId });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(byStranger.errors).toEqual([expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })]);
  });

  it('expiry is pushed with no request involved', async () => {
    const { shareId, sent } = await share(new Date(clock.now().getTime() + 2 * 24 * 3600 * 1000));
    await accept(sent);
    const watcher = watch(client(recipient), { shareId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.advance(24 * 3600 * 1000 + 1000);
    await watcher.until(1);
    clock.advance(24 * 3600 * 1000);
    const events = await watcher.until(2);
    expect(events.map((event) => event.type)).toEqual(['EXPIRING_SOON', 'EXPIRED']);
    expect(events[1].status).toBe('EXPIRED');
    watcher.dispose();
  });

  it('resuming with `after` replays what was missed, then continues live, with no gap and no duplicate', async () => {
    const first = watch(client(sharer));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const a = await share();
    const [created] = await first.until(1);
    first.dispose();
    // While nobody listens, and while the resumed stream replays, another client keeps changing shares.
    const b = await share();
    await accept(a.sent);
    const writer = (async () => {
      for (let i = 0; i < 10; i++) await share();
    })();
    const resumed = watch(client(sharer), { after: created.cursor });
    await writer;
    const c = await share();
    await cancel(c.shareId);
    const expected = 1 + 1 + 10 + 2;
    const events = await resumed.until(expected);
    await resumed.quiet();
    const cursors = events.map((event) => Number(event.cursor));
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(events[0]).toMatchObject({ type: 'CREATED', share: { id: b.shareId } });
    expect(events[1]).toMatchObject({ type: 'ACCEPTED', share: { id: a.shareId } });
    const history = await server.gql(
      SharingShareEventsAfterDocument,
      { after: created.cursor },
      { token: sharer.token },
    );
    expect(history.data!.shareEvents.edges.map((edge) => Number(edge.cursor))).toEqual(cursors);
    resumed.dispose();
  });

  it('a stream resumed with `after` gets what commits during its replay at once, with no later change to push it', async () => {
    const { shareId } = await share(new Date(clock.now().getTime() + 30 * 24 * 3600 * 1000));
    const extend = () => server.gql(SharingExtendShareIdDocument, { id: shareId }, { token: sharer.token });
    // A replay long enough to outlast 20 concurrent changes and their publication on a busy machine.
    const STORED = 1 + 500;
    const DURING = 20;
    for (let i = 0; i < STORED - 1; i++) await extend();
    // Resume from just before the share's first event (older ones may be past the retention by now).
    const history = await server.gql(SharingShareEventsFirstDocument, { id: shareId }, { token: sharer.token });
    const after = String(Number(history.data!.shareEvents.edges[0].cursor) - 1);
    const published: number[] = [];
    const unsubscribe = server.app.services.bus.subscribe((message) => {
      if (message !== EVENTS_MAY_BE_LOST) published.push(Number(message.cursor));
    });
    const resumed = watch(client(sharer), { shareId, after });
    // Once the first stored event has arrived the replay has fixed where it ends: what commits
    // from now on is not in it, and reaches the stream only through the bus.
    await resumed.until(1);
    await Promise.all(Array.from({ length: DURING }, extend));
    const [{ cursor: last }] = await server.app.db.dataSource.query(`SELECT MAX(cursor) AS cursor FROM share_event`);
    await eventually(() => (published.includes(Number(last)) ? true : undefined));
    unsubscribe();
    // The race itself, not left to timing: every change committed and went out on the bus while
    // the replay was still sending stored events.
    expect(resumed.events.length).toBeLessThan(STORED);
    const events = await resumed.until(STORED + DURING, 10_000);
    await resumed.quiet();
    const cursors = events.map((event) => Number(event.cursor));
    expect(cursors).toHaveLength(STORED + DURING);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    expect(new Set(cursors).size).toBe(STORED + DURING);
    expect(cursors.at(-1)).toBe(Number(last));
    resumed.dispose();
  }, 120_000);

  it('a recipient cut off by cancellation gets that final event, without device data, and nothing after', async () => {
    const { shareId, sent, deviceId } = await share();
    await accept(sent);
    const watcher = watch(client(recipient), { shareId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await cancel(shareId);
    const [final] = await watcher.until(1);
    expect(final).toMatchObject({ type: 'CANCELLED', status: 'CANCELLED' });
    expect(nodes(final.share.devices)).toEqual([{ deviceId, status: 'CANCELLED', device: null }]);
    await watcher.quiet();
    watcher.dispose();
  });

  it('a cursor older than the retention answers CURSOR_EXPIRED', async () => {
    const { shareId } = await share();
    const [{ cursor }] = await server.app.db.dataSource.query(
      `SELECT cursor FROM share_event WHERE "shareId" = '${shareId}'`,
    );
    // Only published events are pruned: wait for the publisher to have sent this one.
    const deadline = Date.now() + 3_000;
    for (;;) {
      const [row] = await server.app.db.dataSource.query(
        `SELECT value FROM counter WHERE name = 'share_event_published'`,
      );
      if (Number(row?.value ?? 0) >= Number(cursor) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await server.app.services.events.prune(new Date(clock.now().getTime() + 1));
    const history = await server.gql(
      SharingShareEventsAfterDefaultDocument,
      { after: String(Number(cursor) - 1) },
      { token: sharer.token },
    );
    expect(errorCodes(history)).toEqual(['CURSOR_EXPIRED']);
    const live = watch(client(sharer), { after: String(Number(cursor) - 1) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(live.errors).toEqual([expect.objectContaining({ extensions: { code: 'CURSOR_EXPIRED' } })]);
  });

  it('the publisher resumes after a crash between commit and publish: nothing is lost', async () => {
    const watcher = watch(client(sharer));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.app.services.publisher.stop();
    const { shareId } = await share();
    await watcher.quiet(300);
    await server.app.services.publisher.start();
    const [event] = await watcher.until(1);
    expect(event).toMatchObject({ type: 'CREATED', share: { id: shareId } });
    watcher.dispose();
  });

  it('retention never deletes an event the publisher has not sent yet', async () => {
    await server.app.services.publisher.stop();
    try {
      const { shareId } = await share();
      await server.app.services.events.prune(new Date(clock.now().getTime() + 365 * 24 * 3600 * 1000));
      const stored = await server.app.db.dataSource.query(
        `SELECT type FROM share_event WHERE "shareId" = '${shareId}'`,
      );
      expect(stored).toEqual([{ type: 'CREATED' }]);
    } finally {
      await server.app.services.publisher.start();
    }
  });

  it('rights are checked at every delivery: an ADMIN demoted to VIEWER stops receiving the enterprise’s shares', async () => {
    const colleague = await server.signUp('Colleague');
    const { enterpriseId } = team;
    const setRole = (role: Role) =>
      server.gql(
        SetMemberRoleDocument,
        {
          input: { enterpriseId, accountId: colleague.account.id, role },
        },
        { token: sharer.token },
      );
    await addMember(server, sharer, enterpriseId, colleague, 'ADMIN');
    const watcher = watch(client(colleague));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await share();
    await watcher.until(1);
    await setRole('VIEWER');
    await share();
    await watcher.quiet(300);
    expect(watcher.events).toHaveLength(1);
    watcher.dispose();
  });

  it('an anonymous subscription never starts: its socket is closed with 4401 (Unauthorized)', async () => {
    const anonymous = watch(server.wsClient());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(anonymous.events).toEqual([]);
    expect(anonymous.errors).toEqual([expect.objectContaining({ code: 4401 })]);
  });

  it('500 subscribers on one share all get the event', async () => {
    const { shareId, sent } = await share();
    const before = server.app.services.bus.listenerCount();
    const watchers = Array.from({ length: 500 }, () => watch(client(sharer), { shareId }));
    // Wait until all 500 are really listening, so that the event tests fan-out, not connection speed.
    const deadline = Date.now() + 30_000;
    while (server.app.services.bus.listenerCount() < before + 500 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(server.app.services.bus.listenerCount()).toBeGreaterThanOrEqual(before + 500);
    await accept(sent);
    await Promise.all(watchers.map((watcher) => watcher.until(1, 10_000)));
    expect(watchers.every((watcher) => watcher.events[0].type === 'ACCEPTED')).toBe(true);
    for (const watcher of watchers) watcher.dispose();
  }, 60_000);
});
