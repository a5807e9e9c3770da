import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { type Connection, decodeCursor, toConnection } from '../../common/connection';
import { newId } from '../../common/ids';
import type { AuditEntry, Change } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { insertNew, type Database } from '../../database/database';
import { ADMINS, requireRole } from '../enterprise/enterprise.policy';
import { SharedDevice } from '../share/share.entity';
import { AuditEvent } from './audit-event.entity';
import type { AuditLogArgs } from './audit.inputs';

/** The event log: read by ADMINs and by each account for its own actions; written by every change (`change.audit`). */
export class AuditService {
  constructor(private readonly db: Database) {}

  /**
   * The event log, newest first: an enterprise's (for its ADMINs), or the viewer's own actions.
   * Either can be narrowed to one device (see aboutDevice).
   */
  async list(ctx: RequestContext, args: AuditLogArgs): Promise<Connection<AuditEvent>> {
    const viewer = ctx.requireViewer();
    const query = this.db.manager
      .createQueryBuilder(AuditEvent, 'event')
      .orderBy('event.id', 'DESC')
      .take(args.first + 1);
    if (args.enterpriseId) {
      requireRole(ctx, args.enterpriseId, ADMINS, 'read the event log');
      query.where('event.enterpriseId = :enterpriseId', { enterpriseId: args.enterpriseId });
    } else {
      query.where('event.actorId = :actorId', { actorId: viewer.account.id });
    }
    if (args.deviceId) aboutDevice(query, args.deviceId);
    if (args.after) query.andWhere('event.id < :after', { after: decodeCursor(args.after) });
    return toConnection(await query.getMany(), args);
  }

  /** Writes `entry` in `change`'s transaction (the audit writer of every Change: composition.ts). */
  async record(change: Change, entry: AuditEntry): Promise<AuditEvent> {
    return insertNew(change.manager, AuditEvent, {
      id: newId(),
      actorId: change.ctx.viewer?.account.id ?? null,
      enterpriseId: entry.enterpriseId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: entry.details ?? {},
      at: change.now,
    });
  }
}

/**
 * Narrows the log to the events about one device: those that target it (device.*, its
 * operations), and those of the shares that hold or held it (share.*, which target the share).
 * Of a share's events, those that name devices (`details.deviceIds`) count only when they name
 * this one, so cancelling another device of the same share is not about it; those that name
 * none (share.invitation_resent) are about the whole share. The shares come from shared_device,
 * whose rows outlive the share's end and the device's deletion; `details` is JSON text on every
 * database, and a device id (a UUID) holds no LIKE wildcard. The target ids are one list, so
 * each is looked up through the (targetId, id) index rather than by scanning the whole log.
 */
function aboutDevice(query: SelectQueryBuilder<AuditEvent>, deviceId: string): void {
  const sharesOfDevice = query
    .createQueryBuilder()
    // audit_event.targetId is text (it names objects of every kind); shared_device.shareId a UUID.
    .select('CAST(sd.shareId AS VARCHAR(64))')
    .from(SharedDevice, 'sd')
    // A parameter of its own: PostgreSQL types each one once, and this one is a UUID, not text.
    .where('sd.deviceId = :sharedDeviceId')
    .getQuery();
  query
    .andWhere(`event.targetId IN (SELECT :deviceId UNION ALL ${sharesOfDevice})`)
    .andWhere(
      new Brackets((about) =>
        about
          .where('event.targetType <> :shareType')
          .orWhere('event.details LIKE :namesDevice')
          .orWhere('event.details NOT LIKE :namesDevices'),
      ),
    )
    .setParameters({
      deviceId,
      sharedDeviceId: deviceId,
      shareType: 'Share',
      namesDevice: `%"${deviceId}"%`,
      namesDevices: '%"deviceIds"%',
    });
}
