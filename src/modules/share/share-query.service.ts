import type { SelectQueryBuilder } from 'typeorm';
import {
  type Connection,
  decodeCursor,
  paginate,
  decodeKeyCursor,
  encodeCursor,
  encodeKeyCursor,
  toConnection,
} from '../../common/connection';
import { rawInstant } from '../../database/columns';
import { notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import type { RequestContext } from '../../context/request-context';
import type { Database } from '../../database/database';
import { Role } from '../../common/roles';
import type { Device } from '../device/device.entity';
import { devicesAccess } from './device-reach';
import { ADMINS, requireRole } from '../enterprise/enterprise.policy';
import { effectivePermissions, Permission } from '../device/device-permissions';
import { Share, SharedDevice } from './share.entity';
import { LIVE_SHARE_STATUSES, ShareStatus } from './share-lifecycle';
import type { SharedByMeArgs, SharedWithMeArgs, ShareGraphArgs } from './share.inputs';
import type { DeviceAccess, ShareRecipientSummary, ShareSharerSummary } from './share.outputs';
import { manageShare, receiveDevice, receiveShare, seeShare } from './share.policy';
import { shareById, sharedDevicesOfDevice } from './share.loaders';

/** Reading shares: one by id, and the "Shared by me" / "Shared with me" lists, newest first. */
export class ShareQueryService {
  constructor(private readonly db: Database) {}

  /** A share the viewer may see (`seeShare`); NOT_FOUND otherwise. */
  async get(ctx: RequestContext, id: string): Promise<Share> {
    const actor = ctx.requireActor();
    const share = isId(id)
      ? await ctx.loaders
          .of(shareById)
          .load(id)
          .catch(() => null)
      : null;
    if (!share || !seeShare.allows(actor, share)) throw notFound('Share');
    return share;
  }

  /** The shares of a device that the viewer manages (`manageShare`), oldest first, in the statuses asked for. */
  async sharesOfDevice(ctx: RequestContext, device: Device, args: SharedWithMeArgs): Promise<Connection<Share>> {
    const actor = ctx.requireActor();
    const rows = await ctx.loaders.of(sharedDevicesOfDevice).load(device.id);
    const shares = await Promise.all(
      [...new Set(rows.map((row) => row.shareId))].map((id) => ctx.loaders.of(shareById).load(id)),
    );
    const visible = shares.filter(
      (share) => manageShare.allows(actor, share) && (!args.status?.length || args.status.includes(share.status)),
    );
    return paginate(visible, args);
  }

  /**
   * The viewer's role, permissions and share for a device: all the plan allows for an owner ADMIN
   * or OPERATOR, MONITOR for an owner VIEWER, else what the share it receives the device through
   * grants (`receiveDevice`), less what the plan takes away.
   */
  async accessTo(ctx: RequestContext, device: Device): Promise<DeviceAccess> {
    const actor = ctx.requireActor();
    const role = ctx.roleIn(device.enterpriseId) ?? null;
    if (role) {
      const permissions =
        role === Role.VIEWER ? [Permission.MONITOR] : effectivePermissions(Object.values(Permission), device.plan);
      return { role, permissions, share: null };
    }
    const rows = await ctx.loaders.of(sharedDevicesOfDevice).load(device.id);
    const received = await Promise.all(
      rows.map(async (sharedDevice) => ({
        sharedDevice,
        share: await ctx.loaders.of(shareById).load(sharedDevice.shareId),
      })),
    );
    const share = received.find((row) => receiveDevice.allows(actor, row))?.share ?? null;
    return { role: null, permissions: await devicesAccess.sharedPermissions(ctx, device), share };
  }

  /** Shares the viewer sent. */
  sharedByMe(ctx: RequestContext, args: SharedByMeArgs): Promise<Connection<Share>> {
    const viewer = ctx.requireViewer();
    const query = this.db.manager.createQueryBuilder(Share, 'share').where('share.sharerId = :viewerId', {
      viewerId: viewer.account.id,
    });
    if (args.recipientEmail) query.andWhere('share.recipientEmail = :email', { email: args.recipientEmail });
    return this.page(query, args);
  }

  /** Shares the viewer receives (`receiveShare`): live ones unless `status` asks for others. */
  sharedWithMe(ctx: RequestContext, args: SharedWithMeArgs): Promise<Connection<Share>> {
    return this.page(this.receivedBy(ctx, args), args);
  }

  /** Every device → recipient edge of an enterprise's shares, newest first (its ADMINs). */
  async graph(ctx: RequestContext, args: ShareGraphArgs): Promise<Connection<SharedDevice>> {
    const enterpriseId = args.enterpriseId ?? ctx.actingEnterpriseId();
    requireRole(ctx, enterpriseId, ADMINS, 'see the share graph');
    // One statement per page, read in order from the (enterpriseId, id) index: no join, no sort.
    const query = this.db.manager
      .createQueryBuilder(SharedDevice, 'edge')
      .where('edge.enterpriseId = :enterpriseId', { enterpriseId })
      .orderBy('edge.id', 'DESC')
      .limit(args.first + 1);
    if (args.status?.length) query.andWhere('edge.status IN (:...statuses)', { statuses: args.status });
    if (args.after) query.andWhere('edge.id < :after', { after: decodeCursor(args.after) });
    return toConnection(await query.getMany(), args);
  }

  /** "Shared by me", grouped: each recipient with counts per status and the latest live expiry. */
  async recipients(ctx: RequestContext, args: SharedWithMeArgs): Promise<Connection<ShareRecipientSummary>> {
    const query = this.db.manager
      .createQueryBuilder(Share, 'share')
      .where('share.sharerId = :viewerId', { viewerId: ctx.requireViewer().account.id });
    if (args.after)
      query.andWhere('share.recipientEmail > :after', { after: decodeKeyCursor('recipient', args.after) });
    const rows = await this.summarize(query, 'recipientEmail', args);
    return toConnection(
      rows.map(({ key, ...summary }) => ({ recipientEmail: key, ...summary })),
      args,
      (summary) => encodeKeyCursor('recipient', summary.recipientEmail),
    );
  }

  /** "Shared with me", grouped: each sharer with counts per status and the latest live expiry. */
  async sharers(ctx: RequestContext, args: SharedWithMeArgs): Promise<Connection<ShareSharerSummary>> {
    const query = this.receivedBy(ctx, args);
    if (args.after) query.andWhere('share.sharerId > :after', { after: decodeCursor(args.after) });
    const rows = await this.summarize(query, 'sharerId', args);
    return toConnection(
      rows.map(({ key, ...summary }) => ({ sharerId: key, ...summary })),
      args,
      (summary) => encodeCursor(summary.sharerId),
    );
  }

  /**
   * Shares the viewer receives (`receiveShare`): invitations wherever it acts, accepted shares in
   * the enterprise they were accepted into. Ended shares leave the list at once (as the vendors'
   * apps do) unless `status` asks for them.
   */
  private receivedBy(ctx: RequestContext, args: SharedWithMeArgs): SelectQueryBuilder<Share> {
    const scope = receiveShare.scope(ctx.requireActor(), { share: 'share' });
    const query = this.db.manager.createQueryBuilder(Share, 'share').where(scope.where, scope.params);
    if (!args.status?.length) query.andWhere('share.status IN (:...live)', { live: LIVE_SHARE_STATUSES });
    return query;
  }

  /** One row per value of `key`: counts per status, the latest expiry of the live shares, and whether one never expires. */
  private async summarize(
    query: SelectQueryBuilder<Share>,
    key: 'recipientEmail' | 'sharerId',
    args: SharedWithMeArgs,
  ) {
    if (args.status?.length) query.andWhere('share.status IN (:...statuses)', { statuses: args.status });
    const count = (status: ShareStatus) => `SUM(CASE WHEN share.status = '${status}' THEN 1 ELSE 0 END)`;
    const rows = await query
      .select(`share.${key}`, 'key')
      .addSelect(count(ShareStatus.PENDING), 'pending')
      .addSelect(count(ShareStatus.ACTIVE), 'active')
      .addSelect(count(ShareStatus.CANCELLED), 'cancelled')
      .addSelect(count(ShareStatus.EXPIRED), 'expired')
      .addSelect(`MAX(CASE WHEN share.status IN ('PENDING', 'ACTIVE') THEN share.expiresAt END)`, 'latest')
      .addSelect(
        `MAX(CASE WHEN share.status IN ('PENDING', 'ACTIVE') AND share.expiresAt IS NULL THEN 1 ELSE 0 END)`,
        'forever',
      )
      .groupBy(`share.${key}`)
      .orderBy(`share.${key}`, 'ASC')
      .limit(args.first + 1)
      .getRawMany<
        Record<'key' | 'pending' | 'active' | 'cancelled' | 'expired' | 'forever', string> & {
          latest: Date | string | null;
        }
      >();
    return rows.map((row) => ({
      key: row.key,
      counts: {
        pending: Number(row.pending),
        active: Number(row.active),
        cancelled: Number(row.cancelled),
        expired: Number(row.expired),
      },
      // A live share that never expires outlasts every dated one: there is no latest expiry then.
      latestExpiresAt: Number(row.forever) === 1 ? null : rawInstant(row.latest),
      neverExpires: Number(row.forever) === 1,
    }));
  }

  private async page(query: SelectQueryBuilder<Share>, args: SharedWithMeArgs): Promise<Connection<Share>> {
    if (args.status?.length) query.andWhere('share.status IN (:...statuses)', { statuses: args.status });
    if (args.after) query.andWhere('share.id < :after', { after: decodeCursor(args.after) });
    const rows = await query
      .orderBy('share.id', 'DESC')
      .take(args.first + 1)
      .getMany();
    return toConnection(rows, args);
  }
}
