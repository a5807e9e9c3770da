import {
  SharingAddDevicesToShareDocument,
  SharingCancelSharesToIdsDocument,
  SharingCancelSharesToDocument,
  SharingChangeDevicePlanDocument,
  SharingDeleteDeviceDocument,
  SharingDeviceStateDocument,
  SharingExtendShareByADayDocument,
  SharingExtendShareDocument,
  SharingRemoveSharedDeviceDocument,
  SharingShareDocument,
} from '../../support/graphql/documents.generated';
import { errorCodes, nodes, type TestServer, type Session } from '../../support/test-server';
import { CANCEL, CANCEL_DEVICES, VISIBLE, edgesOf, useSharing } from './sharing';

describe('cancelling and changing shares, and the recipient and owner sides', () => {
  const sharing = useSharing();
  const { device, recipient, share, accept } = sharing;
  let server: TestServer;
  let admin: Session;
  let viewer: Session;
  let enterpriseId: string;
  beforeAll(() => ({ server, admin, viewer, enterpriseId } = sharing));

  describe('cancelling', () => {
    it('cancelShare cancels every device; the recipient no longer sees them; a second cancel is SHARE_NOT_ACTIVE', async () => {
      const deviceId = await device();
      const receiver = await recipient();
      const invitation = await share([deviceId], receiver.account.email);
      await accept(receiver, invitation);
      const cancelled = await server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token });
      expect(cancelled.data!.cancelShare).toMatchObject({
        status: 'CANCELLED',
        devices: edgesOf([{ status: 'CANCELLED' }]),
      });
      expect(errorCodes(await server.gql(VISIBLE, { id: deviceId }, { token: receiver.token }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token }))).toEqual([
        'SHARE_NOT_ACTIVE',
      ]);
    });

    it('cancelSharedDevices takes some devices out; the last one cancels the share', async () => {
      const [first, second] = [await device(), await device()];
      const receiver = await recipient();
      const invitation = await share([first, second], receiver.account.email);
      await accept(receiver, invitation);
      const some = await server.gql(
        CANCEL_DEVICES,
        { id: invitation.share.id, deviceIds: [first] },
        { token: admin.token },
      );
      // Seen failing once on PostgreSQL under load with no data: this says with which error.
      expect(some.errors).toBeUndefined();
      expect(some.data!.cancelSharedDevices.status).toBe('ACTIVE');
      expect(errorCodes(await server.gql(VISIBLE, { id: first }, { token: receiver.token }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await server.gql(VISIBLE, { id: second }, { token: receiver.token }))).toEqual([]);
      const last = await server.gql(
        CANCEL_DEVICES,
        { id: invitation.share.id, deviceIds: [second] },
        { token: admin.token },
      );
      expect(last.data!.cancelSharedDevices.status).toBe('CANCELLED');
    });

    it('the recipient may not cancel (FORBIDDEN); a stranger does not see the share (NOT_FOUND)', async () => {
      const receiver = await recipient();
      const invitation = await share([await device()], receiver.account.email);
      await accept(receiver, invitation);
      const stranger = await server.signUp();
      expect(errorCodes(await server.gql(CANCEL, { id: invitation.share.id }, { token: receiver.token }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await server.gql(CANCEL, { id: invitation.share.id }, { token: stranger.token }))).toEqual([
        'NOT_FOUND',
      ]);
    });

    it('accept racing cancel ends in one consistent state', async () => {
      for (let round = 0; round < 5; round++) {
        const deviceId = await device();
        const receiver = await recipient();
        const invitation = await share([deviceId], receiver.account.email);
        const [accepted, cancelled] = await Promise.all([
          accept(receiver, invitation),
          server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token }),
        ]);
        expect(errorCodes(cancelled)).toEqual([]);
        const [row] = await server.app.db.dataSource.query(
          `SELECT status FROM share WHERE id = '${invitation.share.id}'`,
        );
        expect(row.status).toBe('CANCELLED');
        expect(errorCodes(accepted).length === 0 || errorCodes(accepted)[0] === 'SHARE_NOT_PENDING').toBe(true);
        const devices = await server.app.db.dataSource.query(
          `SELECT status FROM shared_device WHERE "shareId" = '${invitation.share.id}'`,
        );
        expect(devices).toEqual([{ status: 'CANCELLED' }]);
      }
    });
  });

  describe('changing a share', () => {
    const ADD = SharingAddDevicesToShareDocument;
    const EXTEND = SharingExtendShareDocument;

    it('addDevicesToShare: added devices take the share’s status; a device already in it is a CONFLICT', async () => {
      const [first, second, basic] = [await device(), await device(), await device('BASIC')];
      const receiver = await recipient();
      const invitation = await share([first], receiver.account.email);
      await accept(receiver, invitation);
      const added = await server.gql(ADD, { id: invitation.share.id, deviceIds: [second] }, { token: admin.token });
      expect(nodes(added.data!.addDevicesToShare.devices)).toEqual([
        { deviceId: first, status: 'ACTIVE' },
        { deviceId: second, status: 'ACTIVE' },
      ]);
      const again = await server.gql(ADD, { id: invitation.share.id, deviceIds: [first] }, { token: admin.token });
      expect(errorCodes(again)).toEqual(['CONFLICT']);
      const ineligible = await server.gql(ADD, { id: invitation.share.id, deviceIds: [basic] }, { token: admin.token });
      expect(errorCodes(ineligible)).toEqual(['PLAN_NOT_ELIGIBLE']);
    });

    it('extendShare counts from the current expiry, or sets a later instant; never earlier', async () => {
      const invitation = await share([await device()], 'extend@example.com', admin, {
        expiresAt: '2026-12-24T12:00:00.000Z',
      });
      const id = invitation.share.id;
      const byDays = await server.gql(EXTEND, { input: { shareId: id, byDays: 30 } }, { token: admin.token });
      expect(byDays.data!.extendShare.expiresAt).toBe('2027-01-23T12:00:00.000Z');
      const until = await server.gql(
        EXTEND,
        { input: { shareId: id, until: '2027-06-01T00:00:00.000Z' } },
        { token: admin.token },
      );
      expect(until.data!.extendShare.expiresAt).toBe('2027-06-01T00:00:00.000Z');
      const earlier = await server.gql(
        EXTEND,
        { input: { shareId: id, until: '2027-01-01T00:00:00Z' } },
        { token: admin.token },
      );
      expect(errorCodes(earlier)).toEqual(['BAD_USER_INPUT']);
    });

    it('extendShare: a share that never expires cannot be extended; a cancelled one is SHARE_NOT_ACTIVE', async () => {
      const forever = await share([await device()], 'forever@example.com');
      const response = await server.gql(
        EXTEND,
        { input: { shareId: forever.share.id, byDays: 1 } },
        { token: admin.token },
      );
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      await server.gql(CANCEL, { id: forever.share.id }, { token: admin.token });
      const cancelled = await server.gql(
        EXTEND,
        { input: { shareId: forever.share.id, byDays: 1 } },
        { token: admin.token },
      );
      expect(errorCodes(cancelled)).toEqual(['SHARE_NOT_ACTIVE']);
    });

    it('cancelSharesTo cancels every live share of the enterprise to that recipient', async () => {
      const first = await share([await device()], 'everything@example.com');
      const second = await share([await device()], 'everything@example.com', admin, { permissions: ['REPORTS'] });
      const response = await server.gql(
        SharingCancelSharesToDocument,
        { email: 'Everything@example.com' },
        { token: admin.token, enterpriseId },
      );
      expect(response.data!.cancelSharesTo.map((cancelled) => cancelled.status)).toEqual(['CANCELLED', 'CANCELLED']);
      expect(new Set(response.data!.cancelSharesTo.map((cancelled) => cancelled.id))).toEqual(
        new Set([first.share.id, second.share.id]),
      );
    });

    it('cancelSharesTo by a VIEWER is FORBIDDEN, like every sharing mutation, and cancels nothing', async () => {
      const kept = await share([await device()], 'kept@example.com');
      const response = await server.gql(
        SharingCancelSharesToIdsDocument,
        { email: 'kept@example.com' },
        { token: viewer.token, enterpriseId },
      );
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      const still = await server.gql(SharingShareDocument, { id: kept.share.id }, { token: admin.token });
      expect(still.data!.share.status).toBe('PENDING');
    });
  });

  describe('the recipient and the owner side', () => {
    const REMOVE = SharingRemoveSharedDeviceDocument;

    it('removeSharedDevice: the recipient removes a device from their view; the sharer may not (FORBIDDEN)', async () => {
      const [first, second] = [await device(), await device()];
      const receiver = await recipient();
      const invitation = await share([first, second], receiver.account.email);
      await accept(receiver, invitation);
      const bySharer = await server.gql(REMOVE, { id: invitation.share.id, deviceId: first }, { token: admin.token });
      expect(errorCodes(bySharer)).toEqual(['FORBIDDEN']);
      const removed = await server.gql(REMOVE, { id: invitation.share.id, deviceId: first }, { token: receiver.token });
      expect(removed.data!.removeSharedDevice.status).toBe('ACTIVE');
      expect(errorCodes(await server.gql(VISIBLE, { id: first }, { token: receiver.token }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await server.gql(VISIBLE, { id: first }, { token: admin.token }))).toEqual([]);
      const last = await server.gql(REMOVE, { id: invitation.share.id, deviceId: second }, { token: receiver.token });
      expect(last.data!.removeSharedDevice.status).toBe('CANCELLED');
    });

    it('deleting a device ends its shares: DELETED in each, and a share left empty is cancelled', async () => {
      const [kept, deleted] = [await device(), await device()];
      const receiver = await recipient();
      const both = await share([kept, deleted], receiver.account.email);
      const only = await share([deleted], 'only@example.com');
      await accept(receiver, both);
      const response = await server.gql(
        SharingDeleteDeviceDocument,
        { id: deleted },
        {
          token: admin.token,
        },
      );
      expect(errorCodes(response)).toEqual([]);
      const rows = await server.app.db.dataSource.query(
        `SELECT s.id, s.status AS share, sd.status AS device FROM shared_device sd JOIN share s ON s.id = sd."shareId" WHERE sd."deviceId" = '${deleted}'`,
      );
      expect(
        new Map(rows.map((row: { id: string; share: string; device: string }) => [row.id, [row.share, row.device]])),
      ).toEqual(
        new Map([
          [both.share.id, ['ACTIVE', 'DELETED']],
          [only.share.id, ['CANCELLED', 'DELETED']],
        ]),
      );
    });

    it('a device falling to BASIC stays shared but degraded: MONITOR stays, CONFIGURE goes, until it is raised again', async () => {
      const deviceId = await device('ADVANCED');
      const receiver = await recipient();
      const invitation = await share([deviceId], receiver.account.email, admin, {
        permissions: ['MONITOR', 'CONFIGURE'],
        expiresAt: '2027-06-01T00:00:00.000Z',
      });
      await accept(receiver, invitation);
      const PLAN = SharingChangeDevicePlanDocument;
      const STATE = SharingDeviceStateDocument;
      expect(errorCodes(await server.gql(STATE, { id: deviceId }, { token: receiver.token }))).toEqual([]);
      await server.gql(PLAN, { id: deviceId, plan: 'BASIC' }, { token: admin.token });
      const shareState = async () => {
        const response = await server.gql(
          SharingExtendShareByADayDocument,
          { id: invitation.share.id },
          { token: admin.token },
        );
        return response.data!.extendShare;
      };
      expect(await shareState()).toEqual({ degraded: true, devices: edgesOf([{ effectivePermissions: ['MONITOR'] }]) });
      const degraded = await server.gql(STATE, { id: deviceId }, { token: receiver.token });
      expect(degraded.data!.device.status).toBe('UNKNOWN');
      expect(errorCodes(degraded)).toEqual(['FORBIDDEN']);
      expect(degraded.errors![0].path).toEqual(['device', 'configuration']);
      await server.gql(PLAN, { id: deviceId, plan: 'STANDARD' }, { token: admin.token });
      expect(errorCodes(await server.gql(STATE, { id: deviceId }, { token: receiver.token }))).toEqual([]);
      expect(await shareState()).toEqual({
        degraded: false,
        devices: edgesOf([{ effectivePermissions: ['MONITOR', 'CONFIGURE'] }]),
      });
      const events = await server.app.db.dataSource.query(
        `SELECT type, status FROM share_event WHERE "shareId" = '${invitation.share.id}' ORDER BY cursor`,
      );
      expect(events.map((event: { type: string }) => event.type)).toEqual([
        'CREATED',
        'ACCEPTED',
        'DEGRADED',
        'EXTENDED',
        'RESTORED',
        'EXTENDED',
      ]);
    });
  });

  it('every change writes its ShareEvent with a growing cursor, an audit event and its e-mails', async () => {
    const receiver = await recipient();
    const deviceId = await device();
    const invitation = await share([deviceId], receiver.account.email);
    await accept(receiver, invitation);
    await server.gql(CANCEL, { id: invitation.share.id }, { token: admin.token });
    const events = await server.app.db.dataSource.query(
      `SELECT cursor, type, "previousStatus", status FROM share_event WHERE "shareId" = '${invitation.share.id}' ORDER BY cursor`,
    );
    expect(
      events.map((event: { type: string; previousStatus: string | null; status: string }) => [
        event.type,
        event.previousStatus,
        event.status,
      ]),
    ).toEqual([
      ['CREATED', null, 'PENDING'],
      ['ACCEPTED', 'PENDING', 'ACTIVE'],
      ['CANCELLED', 'ACTIVE', 'CANCELLED'],
    ]);
    const cursors = events.map((event: { cursor: string | number }) => Number(event.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    const audit = await server.app.db.dataSource.query(
      `SELECT action FROM audit_event WHERE "targetId" = '${invitation.share.id}' ORDER BY id`,
    );
    expect(audit.map((row: { action: string }) => row.action)).toEqual([
      'share.created',
      'share.accepted',
      'share.cancelled',
    ]);
    const mails = await server.app.db.dataSource.query(
      `SELECT "to", template FROM outbox_message WHERE payload LIKE '%${invitation.share.id}%' ORDER BY id`,
    );
    expect(mails).toEqual([
      { to: receiver.account.email, template: 'invitation' },
      { to: admin.account.email, template: 'accepted' },
      { to: receiver.account.email, template: 'cancelled' },
    ]);
  });
});
