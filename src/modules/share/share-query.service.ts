import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { type Connection, decodeCursor, toConnection } from '../../common/connection';
import { notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import type { RequestContext } from '../../context/request-context';
import type { Database } from '../../database/database';
import { Share } from './share.entity';
import type { SharedByMeArgs, SharedWithMeArgs } from './share.inputs';
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
    const viewer = ctx.requireViewer();
    const query = this.db.manager
      .createQueryBuilder(Share, 'share')
      .where(
        new Brackets((who) =>
          who
            .where('share.recipientId = :viewerId', { viewerId: viewer.account.id })
            .orWhere('share.recipientId IS NULL AND share.recipientEmail = :email', { email: viewer.account.email }),
        ),
      );
    return this.page(query, args);
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
