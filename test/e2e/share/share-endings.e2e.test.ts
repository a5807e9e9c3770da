import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  AcceptShareStatusDocument,
  CancelShareStatusDocument,
  SharingDeclineShareEndedDocument,
  SharingLeaveShareEndedDocument,
  SharingCancelSharedDevicesStatusDocument,
  SharingCancelSharesToIdsDocument,
  SharingDeviceVisibleDocument,
  SharingDeleteDeviceDocument,
  SharingRemoveSharedDeviceStatusDocument,
  SharingShareEndDocument,
  SharingShareEventsDocument,
  SharingShareStatusChangedDocument,
} from '../../support/graphql/documents.generated';
import type { Client } from 'graphql-ws';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/manual-clock';
import { startSmtp } from '../../support/test-smtp';
import { errorCodes, nodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World, type Invitation, type Member, type Team } from '../../support/world';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

const DECLINE = SharingDeclineShareEndedDocument;
const LEAVE = SharingLeaveShareEndedDocument;
const CANCEL = CancelShareStatusDocument;
const CANCEL_DEVICES = SharingCancelSharedDevicesStatusDocument;
const REMOVE = SharingRemoveSharedDeviceStatusDocument;
const DELETE_DEVICE = SharingDeleteDeviceDocument;
const SHARE = SharingShareEndDocument;
const EVENTS = SharingShareEventsDocument;
const SUBSCRIPTION = SharingShareStatusChangedDocument;

interface Event {
  type: string;
  previousStatus: string | null;
  status: string;
  endReason: string | null;
  deviceIds: string[];
  share?: { id: string; status: string; endReason: string | null };
}

/** A live shareStatusChanged subscription whose events the test waits for. */
function watch(client: Client, shareId: string) {
  const events: Event[] = [];
  const errors: unknown[] = [];
  const dispose = client.subscribe<{ shareStatusChanged: Event }>(
    { query: print(SUBSCRIPTION), variables: { shareId } },
    {
      next: (result) => {
        if (result.data) events.push(result.data.shareStatusChanged);
        if (result.errors) errors.push(...result.errors);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return {
    events,
    dispose,
    /** The first `count` events, once they have arrived. */
    until: (count: number) =>
      eventually(() => {
        if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        return events.length >= count ? events.slice(0, count) : undefined;
      }),
  };
}

describe('how a share ends: the recipient declines or leaves, and every ended share says why', () => {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let world: World;
  let team: Team;
  let stranger: Member;

  beforeAll(async () => {
    smtp = await startSmtp();
    // Long logins and retention: the expiry tests at the end move the clock by days.
    server = await startTestServer({
      clock,
      config: { smtpUrl: smtp.url, jwtTtlSeconds: 365 * 24 * 3600, shareEventRetentionDays: 3650 },
    });
    world = new World(server);
    team = await world.team('Acme', { operator: true });
    stranger = await world.person('Stranger');
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const sharer = () => team.admin;
  const subscriber = (who: Session) => server.wsClient({ authorization: `Bearer ${who.token}` });

  /** `who` runs `query` acting in `enterpriseId` (its own enterprise by default). */
  const as = <T, V extends Record<string, unknown>>(
    who: Member,
    document: TypedDocumentNode<T, V>,
    variables: V,
    enterpriseId = who.enterpriseId,
  ) => server.gql(document, variables, { token: who.token, enterpriseId });

  const shareState = async (shareId: string) => {
    const response = await server.gql(
      SHARE,
      { id: shareId },
      { token: sharer().token, enterpriseId: team.enterpriseId },
    );
    expect(errorCodes(response)).toEqual([]);
    return response.data!.share;
  };

  const eventsOf = async (shareId: string): Promise<Event[]> => {
    const response = await server.gql(
      EVENTS,
      { id: shareId },
      { token: sharer().token, enterpriseId: team.enterpriseId },
    );
    expect(errorCodes(response)).toEqual([]);
    return nodes(response.data!.shareEvents);
  };

  /** What the outbox queued about a share: [to, template], in order. */
  const mailsAbout = async (shareId: string): Promise<[string, string][]> =>
    (
      await server.app.db.dataSource.query(
        `SELECT "to", template FROM outbox_message WHERE payload LIKE '%${shareId}%' ORDER BY "createdAt", id`,
      )
    ).map((row: { to: string; template: string }) => [row.to, row.template]);

  /** The e-mail delivered to `to` with `subject`, once it has arrived. */
  const delivered = (to: string, subject: string) =>
    eventually(() => smtp.received.find((mail) => mail.to === to && mail.subject === subject));

  /** A recipient with an enterprise of their own, and `devices` shared with them by the team's ADMIN. */
  async function invitation(devices: string[], recipient?: Member): Promise<{ recipient: Member; sent: Invitation }> {
    const to = recipient ?? (await world.person('Rita'));
    return { recipient: to, sent: await world.share(team, to, devices) };
  }

  describe('declineShare', () => {
    it('the recipient declines an invitation: CANCELLED (DECLINED) with its devices, and the sharer is told by the ending event and by e-mail', async () => {
      const devices = [await world.device(team, { name: 'Pump' }), await world.device(team, { name: 'Chiller' })];
      const { recipient, sent } = await invitation(devices);
      const bySharer = watch(subscriber(sharer()), sent.shareId);
      await new Promise((resolve) => setTimeout(resolve, 100));

      const declined = await as(recipient, DECLINE, { id: sent.shareId });
      expect(errorCodes(declined)).toEqual([]);
      expect(declined.data!.declineShare).toMatchObject({
        status: 'CANCELLED',
        endReason: 'DECLINED',
        endedAt: clock.now().toISOString(),
      });
      expect(nodes(declined.data!.declineShare.devices).map((device) => device.status)).toEqual([
        'CANCELLED',
        'CANCELLED',
      ]);

      const [event] = await bySharer.until(1);
      expect(event).toMatchObject({
        type: 'CANCELLED',
        previousStatus: 'PENDING',
        status: 'CANCELLED',
        endReason: 'DECLINED',
        share: { id: sent.shareId, status: 'CANCELLED', endReason: 'DECLINED' },
      });
      expect([...event.deviceIds].sort()).toEqual([...devices].sort());
      bySharer.dispose();

      const mail = await delivered(sharer().account.email, 'Your device share was declined');
      expect(mail.text).toContain(`${recipient.account.email} declined your invitation to 2 device(s):\n`);
      expect(mail.text).toContain('  - Chiller\n  - Pump\n');
      expect(mail.text).toContain(`Share id: ${sent.shareId}`);
      // The recipient declined it themselves: only the sharer is told.
      expect(await mailsAbout(sent.shareId)).toEqual([
        [recipient.account.email, 'invitation'],
        [sharer().account.email, 'declined'],
      ]);
      // The link offers nothing any more.
      const token = new URL(sent.shareLink).searchParams.get('token');
      const accepted = await server.gql(
        AcceptShareStatusDocument,
        { input: { token, enterpriseId: recipient.enterpriseId } },
        { token: recipient.token },
      );
      expect(errorCodes(accepted)).toEqual(['SHARE_NOT_PENDING']);
    });

    it("an invitation is the recipient's wherever it acts: it declines while acting in any enterprise of theirs", async () => {
      const { recipient, sent } = await invitation([await world.device(team)]);
      const elsewhere = await world.enterprise(recipient, 'Second');
      const declined = await as(recipient, DECLINE, { id: sent.shareId }, elsewhere);
      expect(errorCodes(declined)).toEqual([]);
      expect(declined.data!.declineShare.endReason).toBe('DECLINED');
    });

    it('an account that has not verified the invited e-mail does not see the invitation: NOT_FOUND', async () => {
      const email = `unverified-${Date.now()}@example.com`;
      const sent = await world.share(team, email, [await world.device(team)]);
      const unverified = await server.signUpUnverified('Unverified', email);
      const declined = await server.gql(DECLINE, { id: sent.shareId }, { token: unverified.token });
      expect(errorCodes(declined)).toEqual(['NOT_FOUND']);
      expect((await shareState(sent.shareId)).status).toBe('PENDING');
    });

    it('declining in the wrong status answers SHARE_NOT_PENDING: an accepted share, a cancelled one, one declined already', async () => {
      const { recipient, sent: accepted } = await invitation([await world.device(team)]);
      await world.accept(recipient, accepted);
      const cancelled = await world.share(team, recipient, [await world.device(team)]);
      expect(errorCodes(await as(sharer(), CANCEL, { id: cancelled.shareId }))).toEqual([]);
      const declined = await world.share(team, recipient, [await world.device(team)]);
      expect(errorCodes(await as(recipient, DECLINE, { id: declined.shareId }))).toEqual([]);

      for (const shareId of [accepted.shareId, cancelled.shareId, declined.shareId]) {
        expect(errorCodes(await as(recipient, DECLINE, { id: shareId }))).toEqual(['SHARE_NOT_PENDING']);
      }
      expect(await shareState(accepted.shareId)).toEqual({ status: 'ACTIVE', endReason: null });
      expect(await shareState(cancelled.shareId)).toEqual({ status: 'CANCELLED', endReason: 'CANCELLED_BY_SHARER' });
    });
  });

  describe('leaveShare', () => {
    it('the recipient leaves an ACTIVE share: every live device REMOVED, the share CANCELLED (LEFT_BY_RECIPIENT), the devices gone from their view, and the sharer told by the ending event and by e-mail', async () => {
      const [cancelledFirst, pump, chiller] = [
        await world.device(team, { name: 'Boiler' }),
        await world.device(team, { name: 'Pump' }),
        await world.device(team, { name: 'Chiller' }),
      ];
      const { recipient, sent } = await invitation([cancelledFirst, pump, chiller]);
      await world.accept(recipient, sent);
      expect(errorCodes(await as(sharer(), CANCEL_DEVICES, { id: sent.shareId, d: [cancelledFirst] }))).toEqual([]);
      const [bySharer, byRecipient] = [
        watch(subscriber(sharer()), sent.shareId),
        watch(subscriber(recipient), sent.shareId),
      ];
      await new Promise((resolve) => setTimeout(resolve, 100));

      const left = await as(recipient, LEAVE, { id: sent.shareId });
      expect(errorCodes(left)).toEqual([]);
      expect(left.data!.leaveShare).toMatchObject({ status: 'CANCELLED', endReason: 'LEFT_BY_RECIPIENT' });
      expect(new Map(nodes(left.data!.leaveShare.devices).map((device) => [device.deviceId, device.status]))).toEqual(
        new Map([
          [cancelledFirst, 'CANCELLED'],
          [pump, 'REMOVED'],
          [chiller, 'REMOVED'],
        ]),
      );
      for (const deviceId of [pump, chiller]) {
        const seen = await as(recipient, SharingDeviceVisibleDocument, { id: deviceId });
        expect(errorCodes(seen)).toEqual(['NOT_FOUND']);
      }

      for (const watcher of [bySharer, byRecipient]) {
        const [event] = await watcher.until(1);
        expect(event).toMatchObject({
          type: 'CANCELLED',
          previousStatus: 'ACTIVE',
          status: 'CANCELLED',
          endReason: 'LEFT_BY_RECIPIENT',
        });
        expect([...event.deviceIds].sort()).toEqual([pump, chiller].sort());
        watcher.dispose();
      }

      const mail = await delivered(sharer().account.email, 'A recipient left your device share');
      expect(mail.text).toContain(
        `${recipient.account.email} left your share of 2 device(s):\n  - Chiller\n  - Pump\n`,
      );
      expect(await mailsAbout(sent.shareId)).toEqual([
        [recipient.account.email, 'invitation'],
        [sharer().account.email, 'accepted'],
        [sharer().account.email, 'left'],
      ]);
    });

    it('leaving while acting in another enterprise of the recipient answers NOT_FOUND; the share stays ACTIVE', async () => {
      const { recipient, sent } = await invitation([await world.device(team)]);
      await world.accept(recipient, sent);
      const elsewhere = await world.enterprise(recipient, 'Second');
      expect(errorCodes(await as(recipient, LEAVE, { id: sent.shareId }, elsewhere))).toEqual(['NOT_FOUND']);
      expect(await shareState(sent.shareId)).toEqual({ status: 'ACTIVE', endReason: null });
      expect(errorCodes(await as(recipient, LEAVE, { id: sent.shareId }))).toEqual([]);
    });

    it('leaving in the wrong status answers SHARE_NOT_ACTIVE: an invitation not accepted yet, a share left already', async () => {
      const { recipient, sent: pending } = await invitation([await world.device(team)]);
      const left = await world.share(team, recipient, [await world.device(team)]);
      await world.accept(recipient, left);
      expect(errorCodes(await as(recipient, LEAVE, { id: left.shareId }))).toEqual([]);
      for (const shareId of [pending.shareId, left.shareId]) {
        expect(errorCodes(await as(recipient, LEAVE, { id: shareId }))).toEqual(['SHARE_NOT_ACTIVE']);
      }
      expect(await shareState(pending.shareId)).toEqual({ status: 'PENDING', endReason: null });
    });
  });

  it("the sharer and an ADMIN of the sharer's enterprise get FORBIDDEN for declineShare and leaveShare (they cancel instead); a stranger gets NOT_FOUND", async () => {
    const operator = { ...team.operator!, enterpriseId: team.enterpriseId };
    const recipient = await world.person('Rita');
    const sent = await world.share(team, recipient, [await world.device(team)], { by: operator });
    const refusals = async (mutation: TypedDocumentNode<unknown, { id: string }>) =>
      Promise.all(
        [operator, team.admin, stranger].map(async (who) => errorCodes(await as(who, mutation, { id: sent.shareId }))),
      );

    expect(await refusals(DECLINE)).toEqual([['FORBIDDEN'], ['FORBIDDEN'], ['NOT_FOUND']]);
    expect(await shareState(sent.shareId)).toEqual({ status: 'PENDING', endReason: null });
    await world.accept(recipient, sent);
    expect(await refusals(LEAVE)).toEqual([['FORBIDDEN'], ['FORBIDDEN'], ['NOT_FOUND']]);
    expect(await shareState(sent.shareId)).toEqual({ status: 'ACTIVE', endReason: null });
  });

  describe('endReason: every ended share says why, on the share and on the event that ends it', () => {
    /** The share's endReason, and the type and endReason of its last event. */
    const ending = async (shareId: string) => {
      const events = await eventsOf(shareId);
      const last = events[events.length - 1];
      return { share: await shareState(shareId), event: { type: last.type, endReason: last.endReason } };
    };

    it('a live share has none; cancelShare ends it CANCELLED_BY_SHARER', async () => {
      const { recipient, sent } = await invitation([await world.device(team)]);
      expect((await shareState(sent.shareId)).endReason).toBeNull();
      await world.accept(recipient, sent);
      expect((await shareState(sent.shareId)).endReason).toBeNull();
      expect((await eventsOf(sent.shareId)).map((event) => event.endReason)).toEqual([null, null]);
      expect(errorCodes(await as(sharer(), CANCEL, { id: sent.shareId }))).toEqual([]);
      expect(await ending(sent.shareId)).toEqual({
        share: { status: 'CANCELLED', endReason: 'CANCELLED_BY_SHARER' },
        event: { type: 'CANCELLED', endReason: 'CANCELLED_BY_SHARER' },
      });
    });

    it('cancelSharesTo ends each share CANCELLED_BY_SHARER', async () => {
      const { recipient, sent: first } = await invitation([await world.device(team)]);
      const second = await world.share(team, recipient, [await world.device(team)], { permissions: ['REPORTS'] });
      const response = await as(sharer(), SharingCancelSharesToIdsDocument, {
        email: recipient.account.email,
      });
      expect(errorCodes(response)).toEqual([]);
      for (const { shareId } of [first, second]) {
        expect((await ending(shareId)).share).toEqual({ status: 'CANCELLED', endReason: 'CANCELLED_BY_SHARER' });
      }
    });

    it('decline ends it DECLINED, leave LEFT_BY_RECIPIENT', async () => {
      const { recipient, sent: declined } = await invitation([await world.device(team)]);
      const left = await world.share(team, recipient, [await world.device(team)]);
      await world.accept(recipient, left);
      expect(errorCodes(await as(recipient, DECLINE, { id: declined.shareId }))).toEqual([]);
      expect(errorCodes(await as(recipient, LEAVE, { id: left.shareId }))).toEqual([]);
      expect(await ending(declined.shareId)).toEqual({
        share: { status: 'CANCELLED', endReason: 'DECLINED' },
        event: { type: 'CANCELLED', endReason: 'DECLINED' },
      });
      expect(await ending(left.shareId)).toEqual({
        share: { status: 'CANCELLED', endReason: 'LEFT_BY_RECIPIENT' },
        event: { type: 'CANCELLED', endReason: 'LEFT_BY_RECIPIENT' },
      });
    });

    /**
     * A share of two devices loses the first by `takeOut`, then the last: the first event is about
     * the device (the share goes on), the ending one is the share-level CANCELLED naming the last.
     */
    async function lastDevice(
      takeOut: (sent: Invitation, recipient: Member, deviceId: string) => Promise<unknown>,
      firstEventType: string,
    ) {
      const [first, last] = [await world.device(team), await world.device(team)];
      const { recipient, sent } = await invitation([first, last]);
      await world.accept(recipient, sent);
      const bySharer = watch(subscriber(sharer()), sent.shareId);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await takeOut(sent, recipient, first);
      await takeOut(sent, recipient, last);
      const events = await bySharer.until(2);
      bySharer.dispose();
      expect(events[0]).toMatchObject({
        type: firstEventType,
        previousStatus: 'ACTIVE',
        status: 'ACTIVE',
        endReason: null,
        deviceIds: [first],
      });
      expect(events[1]).toMatchObject({
        type: 'CANCELLED',
        previousStatus: 'ACTIVE',
        status: 'CANCELLED',
        deviceIds: [last],
      });
      return { sent, recipient, ending: events[1] };
    }

    it('the recipient removing the last device ends it ALL_DEVICES_REMOVED, with the share-level CANCELLED event naming that device; the sharer is told by e-mail', async () => {
      const {
        sent,
        recipient,
        ending: event,
      } = await lastDevice(async (share, recipient, deviceId) => {
        expect(errorCodes(await as(recipient, REMOVE, { id: share.shareId, d: deviceId }))).toEqual([]);
      }, 'DEVICE_REMOVED');
      expect(event.endReason).toBe('ALL_DEVICES_REMOVED');
      expect(await shareState(sent.shareId)).toEqual({ status: 'CANCELLED', endReason: 'ALL_DEVICES_REMOVED' });
      const mail = await eventually(() =>
        smtp.received.find(
          (m) =>
            m.to === sharer().account.email &&
            m.text.includes(recipient.account.email) &&
            m.text.includes('removed the last device'),
        ),
      );
      expect(mail.subject).toBe('A recipient left your device share');
      expect((await mailsAbout(sent.shareId)).slice(-1)).toEqual([[sharer().account.email, 'left']]);
    });

    it('the sharer cancelling the last device ends it CANCELLED_BY_SHARER, with the share-level CANCELLED event naming that device', async () => {
      const {
        sent,
        recipient,
        ending: event,
      } = await lastDevice(async (share, _recipient, deviceId) => {
        expect(errorCodes(await as(sharer(), CANCEL_DEVICES, { id: share.shareId, d: [deviceId] }))).toEqual([]);
      }, 'DEVICES_CANCELLED');
      expect(event.endReason).toBe('CANCELLED_BY_SHARER');
      expect(await shareState(sent.shareId)).toEqual({ status: 'CANCELLED', endReason: 'CANCELLED_BY_SHARER' });
      expect((await mailsAbout(sent.shareId)).slice(-1)).toEqual([[recipient.account.email, 'cancelled']]);
    });

    it('deleting the last device ends it DEVICE_DELETED, with the share-level CANCELLED event naming that device', async () => {
      const {
        sent,
        recipient,
        ending: event,
      } = await lastDevice(async (_share, _recipient, deviceId) => {
        expect(errorCodes(await as(sharer(), DELETE_DEVICE, { id: deviceId }))).toEqual([]);
      }, 'DEVICES_CANCELLED');
      expect(event.endReason).toBe('DEVICE_DELETED');
      expect(await shareState(sent.shareId)).toEqual({ status: 'CANCELLED', endReason: 'DEVICE_DELETED' });
      const mail = await eventually(() =>
        smtp.received.find(
          (m) => m.to === recipient.account.email && m.subject === 'A device share with you was cancelled',
        ),
      );
      expect(mail.text).toContain('Its owner deleted the last device of a share with you');
    });

    // These two move the clock by days: they come last.
    it('an accepted share that reaches expiresAt ends EXPIRED, and its EXPIRED event says so', async () => {
      const recipient = await world.person('Rita');
      const sent = await world.share(team, recipient, [await world.device(team)], {
        expiresAt: new Date(clock.now().getTime() + 2 * DAY).toISOString(),
      });
      await world.accept(recipient, sent);
      clock.advance(2 * DAY + 1000);
      await eventually(async () => ((await shareState(sent.shareId)).status === 'EXPIRED' ? true : undefined));
      expect(await ending(sent.shareId)).toEqual({
        share: { status: 'EXPIRED', endReason: 'EXPIRED' },
        event: { type: 'EXPIRED', endReason: 'EXPIRED' },
      });
    });

    it('an invitation nobody accepted ends INVITATION_EXPIRED at its deadline, or at its expiry (the deadline is never later); declining it past the deadline answers INVITATION_EXPIRED', async () => {
      const { recipient, sent: unanswered } = await invitation([await world.device(team)]);
      const shortLived = await world.share(team, recipient, [await world.device(team)], {
        expiresAt: new Date(clock.now().getTime() + DAY).toISOString(),
      });
      // Past the deadline, before the sweep has expired it: the recipient cannot decline it any more.
      await server.app.services.expiry.stop();
      clock.advance(7 * DAY + 1000);
      try {
        expect(errorCodes(await as(recipient, DECLINE, { id: unanswered.shareId }))).toEqual(['INVITATION_EXPIRED']);
      } finally {
        await server.app.services.expiry.start();
      }
      for (const { shareId } of [unanswered, shortLived]) {
        await eventually(async () => ((await shareState(shareId)).status === 'EXPIRED' ? true : undefined));
        expect(await ending(shareId)).toEqual({
          share: { status: 'EXPIRED', endReason: 'INVITATION_EXPIRED' },
          event: { type: 'EXPIRED', endReason: 'INVITATION_EXPIRED' },
        });
      }
    });
  });
});
