import type { EntityManager } from 'typeorm';
import { type Connection, decodeCursor, toConnection } from '../../common/connection';
import { newId } from '../../common/ids';
import type { RequestContext } from '../../context/request-context';
import { insertNew, type Database } from '../../database/database';
import { ADMINS, requireRole } from '../enterprise/enterprise.policy';
import { AuditEvent } from './audit-event.entity';
import type { AuditLogArgs } from './audit.inputs';

export interface AuditEntry {
  action: string;
  enterpriseId: string | null;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/** Writes the event log. Always inside the transaction of the change it records. */
export class AuditService {
  constructor(private readonly db: Database) {}

  /**
   * The event log, newest first: an enterprise's (for its ADMINs), or the viewer's own actions.
   * Either can be narrowed to one device.
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
    if (args.deviceId) query.andWhere('event.targetId = :deviceId', { deviceId: args.deviceId });
    if (args.after) query.andWhere('event.id < :after', { after: decodeCursor(args.after) });
    return toConnection(await query.getMany(), args);
  }

  async record(ctx: RequestContext, manager: EntityManager, entry: AuditEntry): Promise<AuditEvent> {
    return insertNew(manager, AuditEvent, {
      id: newId(),
      actorId: ctx.viewer?.account.id ?? null,
      enterpriseId: entry.enterpriseId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: entry.details ?? {},
      at: ctx.clock.now(),
    });
  }
}
