import type { EntityManager } from 'typeorm';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { rawInstant } from '../../database/columns';
import type { Database } from '../../database/database';
import { LIVE_SHARE_STATUSES, ShareAction, ShareStatus } from './share-lifecycle';
import { Share } from './share.entity';
import type { ShareSteps } from './share-steps';

/** A moment at which some share must change without any request: expire, or warn. */
type Deadline = 'expire' | 'invitation' | 'warn';
/** Expiries first: a share past its end is expired, not warned. */
const DEADLINES: readonly Deadline[] = ['expire', 'invitation', 'warn'];
const deadlineColumn = (kind: Deadline) => (kind === 'invitation' ? 'share.invitationExpiresAt' : 'share.expiresAt');

/**
 * The deadlines no request brings (SPEC §2 "Expiry"): expiry, the invitation deadline, and the
 * "expiring soon" notice. The expiry scheduler asks when the next one falls and sweeps what is due.
 */
export class ShareDeadlines {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
    private readonly steps: ShareSteps,
    /** How long before expiresAt both sides are told that a share is expiring soon. */
    private readonly expiryWarningMs: number,
  ) {}

  /**
   * Handles up to `limit` shares whose deadline has passed: expiry, invitation deadline, or
   * expiring-soon notice. Each share changes in its own transaction; answers how many changed, so
   * the caller repeats while a batch was full. The due shares are found through indexes on
   * (status, deadline): the cost follows what is due, not how many shares exist.
   */
  async processDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = ctx.clock.now();
    let handled = 0;
    for (const kind of DEADLINES) {
      // A sweep that finds nothing writes nothing, so it wakes nobody (the scheduler among them).
      while (handled < limit && (await this.changes.run(ctx, (change) => this.applyNextDeadline(change, kind, now)))) {
        handled++;
      }
    }
    return handled;
  }

  /** The earliest moment at which `processDue` will have work, or null when nothing is scheduled. */
  async nextDeadline(now: Date): Promise<Date | null> {
    const firsts = await Promise.all(
      DEADLINES.map(async (kind) => {
        const column = deadlineColumn(kind);
        const query = this.dueQuery(this.db.manager, kind, null);
        const row = await query.select(column, 'at').orderBy(column, 'ASC').limit(1).getRawOne<{ at: Date | string }>();
        const at = rawInstant(row?.at);
        if (!at) return null;
        return kind === 'warn' ? new Date(at.getTime() - this.expiryWarningMs) : at;
      }),
    );
    const times = firsts.filter((at): at is Date => at !== null).map((at) => Math.max(at.getTime(), now.getTime()));
    return times.length ? new Date(Math.min(...times)) : null;
  }

  /** Shares with a deadline of `kind`; with `now`, only those already due. */
  private dueQuery(manager: EntityManager, kind: Deadline, now: Date | null) {
    const query = manager.createQueryBuilder(Share, 'share');
    if (kind === 'invitation') {
      query.where('share.status = :pending', { pending: ShareStatus.PENDING });
      if (now) query.andWhere('share.invitationExpiresAt <= :now', { now });
      return query;
    }
    query.where('share.status IN (:...live)', { live: LIVE_SHARE_STATUSES });
    query.andWhere('share.expiresAt IS NOT NULL');
    if (kind === 'warn') query.andWhere('share.expiryWarnedAt IS NULL');
    if (now) {
      const horizon = kind === 'warn' ? new Date(now.getTime() + this.expiryWarningMs) : now;
      query.andWhere('share.expiresAt <= :horizon', { horizon });
    }
    return query;
  }

  /**
   * Claims the most overdue share of `kind` and applies its deadline; answers false when none is
   * due. On PostgreSQL the claim skips shares another transaction holds, so that several
   * instances sweeping at once each take different shares and none is handled twice.
   */
  private async applyNextDeadline(change: Change, kind: Deadline, now: Date): Promise<boolean> {
    const query = this.dueQuery(change.manager, kind, now).orderBy(deadlineColumn(kind), 'ASC').limit(1);
    const share = await this.db.claim(query).getOne();
    if (!share) return false;
    if (kind === 'warn') {
      await this.steps.apply(change, share, ShareAction.WARN_EXPIRY, {
        deviceIds: await this.steps.liveDeviceIds(change, share.id),
        changes: { expiryWarnedAt: now },
        touch: false,
      });
      return true;
    }
    await this.steps.end(change, share, kind === 'invitation' ? ShareAction.EXPIRE_INVITATION : ShareAction.EXPIRE);
    return true;
  }
}
