import { Brackets, type SelectQueryBuilder } from 'typeorm';
import {
  type Connection,
  decodeCursor,
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
import { ADMINS, requireRole } from '../enterprise/enterprise.policy';
import { Share, SharedDevice } from './share.entity';
import { ShareStatus } from './share-lifecycle';
import type { SharedByMeArgs, SharedWithMeArgs, ShareGraphArgs } from './share.inputs';
import type { ShareRecipientSummary, ShareSharerSummary } from './share.outputs';
import { canWatch } from './share.policy';

/** Reading shares: one by id, and the "Shared by me" / "Shared with me" lists, newest first. */
export class ShareQueryService {
  constructor(private readonly db: Database) {}

  /** A share the viewer may see (sharer, ADMIN of the sharer's enterprise, recipient); NOT_FOUND otherwise. */
  async get(ctx: RequestContext, id: string): Promise<Share> {
    const viewer = ctx.requireViewer();
    const share = isId(id) ? await ctx.loaders.share.load(id).catch(() => null) : null;
    if (!share || !canWatch(viewer, share)) throw notFound('Share');
    return share;
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

  /** Shares sent to the viewer: accepted by it, or still waiting for its e-mail. */
  sharedWithMe(ctx: RequestContext, args: SharedWithMeArgs): Promise<Connection<Share>> {
    return this.page(this.receivedBy(ctx), args);
  }

  /** Every device → recipient edge of an enterprise's shares, newest first (its ADMINs). */
  async graph(ctx: RequestContext, args: ShareGraphArgs): Promise<Connection<SharedDevice>> {
    const enterpriseId = args.enterpriseId ?? ctx.actingEnterpriseId();
    requireRole(ctx, enterpriseId, ADMINS, 'see the share graph');
    const query = this.db.manager
      .createQueryBuilder(SharedDevice, 'edge')
      .innerJoin(Share, 'share', 'share.id = edge.shareId')
      .where('share.enterpriseId = :enterpriseId', { enterpriseId })
      .orderBy('edge.id', 'DESC')
      .take(args.first + 1);
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
      rows.map((row) => ({ recipientEmail: row.key, counts: row.counts, latestExpiresAt: row.latestExpiresAt })),
      args,
      (summary) => encodeKeyCursor('recipient', summary.recipientEmail),
    );
  }

  /** "Shared with me", grouped: each sharer with counts per status and the latest live expiry. */
  async sharers(ctx: RequestContext, args: SharedWithMeArgs): Promise<Connection<ShareSharerSummary>> {
    const query = this.receivedBy(ctx);
    if (args.after) query.andWhere('share.sharerId > :after', { after: decodeCursor(args.after) });
    const rows = await this.summarize(query, 'sharerId', args);
    return toConnection(
      rows.map((row) => ({ sharerId: row.key, counts: row.counts, latestExpiresAt: row.latestExpiresAt })),
      args,
      (summary) => encodeCursor(summary.sharerId),
    );
  }

  /** Shares sent to the viewer: accepted by it, or still waiting for its e-mail. */
  private receivedBy(ctx: RequestContext): SelectQueryBuilder<Share> {
    const viewer = ctx.requireViewer();
    return this.db.manager
      .createQueryBuilder(Share, 'share')
      .where(
        new Brackets((who) =>
          who
            .where('share.recipientId = :viewerId', { viewerId: viewer.account.id })
            .orWhere('share.recipientId IS NULL AND share.recipientEmail = :email', { email: viewer.account.email }),
        ),
      );
  }

  /** One row per value of `key`: counts per status and the latest expiry of the live shares. */
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
      .groupBy(`share.${key}`)
      .orderBy(`share.${key}`, 'ASC')
      .limit(args.first + 1)
      .getRawMany<
        Record<'key' | 'pending' | 'active' | 'cancelled' | 'expired', string> & { latest: Date | string | null }
      >();
    return rows.map((row) => ({
      key: row.key,
      counts: {
        pending: Number(row.pending),
        active: Number(row.active),
        cancelled: Number(row.cancelled),
        expired: Number(row.expired),
      },
      latestExpiresAt: rawInstant(row.latest),
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
