import { Repeater } from '@repeaterjs/repeater';
import { LessThanOrEqual, type SelectQueryBuilder } from 'typeorm';
import { toConnection, type Connection } from '../../../common/connection';
import { AppError, ErrorCode, badInput, notFound } from '../../../common/errors';
import { isId } from '../../../common/ids';
import type { Actor } from '../../../common/access';
import type { RequestContext } from '../../../context/request-context';
import { Counter } from '../../../database/counter.entity';
import type { Database } from '../../../database/database';
import { EVENTS_MAY_BE_LOST, type BusMessage, type ShareEventBus } from './share-event-bus';
import { PRUNED_COUNTER, PUBLISHED_COUNTER } from './share-event-counters';
import { ShareEvent } from './share-event.entity';
import { Share } from '../share.entity';
import { seeShare } from '../share.policy';

const REPLAY_BATCH = 500;
/** Bus messages a slow subscriber may fall behind by; past that it drops them and catches up from the store. */
export const DEFAULT_LIVE_BUFFER = 10_000;

export interface ShareEventFilter {
  shareId?: string | null;
  after?: string | null;
}

/**
 * The history of share changes, as a query and as a live stream that starts with a replay: the
 * viewer sees the events of every share it sees (`seeShare`), with rights checked again for
 * every event delivered.
 */
export class ShareEventService {
  constructor(
    private readonly db: Database,
    private readonly bus: ShareEventBus,
    /** Bus messages one subscription may fall behind by (see LiveQueue). */
    private readonly liveBuffer = DEFAULT_LIVE_BUFFER,
  ) {}

  /** Stored events after a cursor, oldest first (`shareEvents`). */
  async list(ctx: RequestContext, filter: ShareEventFilter & { first: number }): Promise<Connection<ShareEvent>> {
    const actor = ctx.requireActor();
    if (filter.shareId) await this.requireWatchable(ctx, filter.shareId);
    const after = await this.position(filter.after);
    const rows = await this.page(actor, after ?? 0, filter.first + 1, filter.shareId);
    return toConnection(rows, filter, (event) => event.cursor);
  }

  /**
   * The live stream of `shareStatusChanged`. It listens to the bus first, then replays what is
   * stored after `after`, then goes on with what the bus brought meanwhile and brings later,
   * skipping what the replay already sent: no gap, no duplicate, in cursor order. Before each
   * event the context is renewed (roles read again, fresh DataLoaders), so fields follow the
   * viewer's rights at delivery time. Returning the stream (the client completes, or its socket
   * closes) ends it at once and unsubscribes from the bus, whether or not events are coming.
   */
  stream(ctx: RequestContext, filter: ShareEventFilter): AsyncIterable<ShareEvent> {
    return new Repeater<ShareEvent>(async (push, stop) => {
      const live = new LiveQueue(this.bus, this.liveBuffer);
      let stopped = false;
      void stop.then(() => {
        stopped = true;
        live.close();
      });
      try {
        ctx.requireViewer();
        if (filter.shareId) await this.requireWatchable(ctx, filter.shareId);
        let position = (await this.position(filter.after)) ?? (await this.latestCursor());
        /**
         * Sends the stored events between `position` and the end of the store (as it is now) that
         * the viewer may watch, then moves `position` to that end.
         */
        const replay = async () => {
          const end = await this.latestCursor();
          while (position < end && !stopped) {
            const events = await this.page(ctx.requireActor(), position, REPLAY_BATCH, filter.shareId, end);
            for (const event of events) {
              if (stopped) return;
              position = Number(event.cursor);
              await ctx.renew();
              await push(event);
            }
            if (events.length < REPLAY_BATCH) break;
          }
          position = Math.max(position, end);
        };
        await replay();
        for (let published = await live.next(); published && !stopped; published = await live.next()) {
          if (published === EVENTS_MAY_BE_LOST) {
            await replay();
            continue;
          }
          const cursor = Number(published.cursor);
          // Cursors are gap-free (see counters.ts): a jump means the bus lost or reordered events
          // (another instance published first); the store has them, so catch up from there.
          if (cursor > position + 1) await replay();
          if (cursor <= position) continue;
          position = cursor;
          if (filter.shareId && published.shareId !== filter.shareId) continue;
          await ctx.renew();
          const [event] = await this.page(ctx.requireActor(), cursor - 1, 1, published.shareId);
          if (event && Number(event.cursor) === cursor) await push(event);
        }
      } catch (error) {
        stop(error);
      } finally {
        live.close();
      }
      await stop;
    });
  }

  /**
   * Deletes events older than `before` that have been published, remembering the last cursor
   * deleted (for CURSOR_EXPIRED).
   */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (manager) => {
      const last = await manager
        .createQueryBuilder(ShareEvent, 'event')
        .select('MAX(event.cursor)', 'cursor')
        .where('event.at < :before', { before })
        .getRawOne<{ cursor: string | number | null }>();
      // Never past what the publisher has sent: an event must reach the live streams before it goes.
      const published = Number((await manager.findOneBy(Counter, { name: PUBLISHED_COUNTER }))?.value ?? 0);
      const through = Math.min(Number(last?.cursor ?? 0), published);
      if (through <= 0) return 0;
      const result = await manager.delete(ShareEvent, { cursor: LessThanOrEqual(String(through)) });
      await manager
        .createQueryBuilder()
        .insert()
        .into(Counter)
        .values({ name: PRUNED_COUNTER, value: '0' })
        .orIgnore()
        .execute();
      await manager.update(Counter, { name: PRUNED_COUNTER }, { value: String(through) });
      return result.affected ?? 0;
    });
  }

  /** The numeric position of a client cursor; CURSOR_EXPIRED when events after it were pruned. */
  private async position(after: string | null | undefined): Promise<number | null> {
    if (after == null) return null;
    if (!/^\d{1,18}$/.test(after)) throw badInput('after is not a share event cursor');
    const position = Number(after);
    const pruned = Number((await this.db.manager.findOneBy(Counter, { name: PRUNED_COUNTER }))?.value ?? 0);
    if (position < pruned) {
      throw new AppError(
        ErrorCode.CURSOR_EXPIRED,
        'Events after this cursor are no longer kept: reload the shares, then subscribe without `after`',
      );
    }
    return position;
  }

  private async latestCursor(): Promise<number> {
    const row = await this.db.manager
      .createQueryBuilder(ShareEvent, 'event')
      .select('MAX(event.cursor)', 'cursor')
      .getRawOne<{ cursor: string | number | null }>();
    return Number(row?.cursor ?? 0);
  }

  /** Up to `limit` events after `position` that the viewer may watch, oldest first. */
  private page(
    actor: Actor,
    position: number,
    limit: number,
    shareId?: string | null,
    until?: number,
  ): Promise<ShareEvent[]> {
    const query = this.db.manager
      .createQueryBuilder(ShareEvent, 'event')
      .where('event.cursor > :position', { position })
      .orderBy('event.cursor', 'ASC')
      .take(limit);
    if (until !== undefined) query.andWhere('event.cursor <= :until', { until });
    if (shareId) query.andWhere('event.shareId = :shareId', { shareId });
    return watchable(query, actor).getMany();
  }

  /** NOT_FOUND unless the viewer sees the share. */
  private async requireWatchable(ctx: RequestContext, shareId: string): Promise<void> {
    const share = isId(shareId) ? await this.db.manager.findOneBy(Share, { id: shareId }) : null;
    if (!share || !seeShare.allows(ctx.requireActor(), share)) throw notFound('Share');
  }
}

/** Narrows an event query to the events of shares the viewer sees (`seeShare`). */
function watchable(query: SelectQueryBuilder<ShareEvent>, actor: Actor): SelectQueryBuilder<ShareEvent> {
  const scope = seeShare.scope(actor, { share: 'share' });
  return query.innerJoin(Share, 'share', 'share.id = event.shareId').andWhere(scope.where, scope.params);
}

/**
 * What the bus brings one subscription, from the moment it is made: kept in order until the
 * stream takes it. A subscriber more than `capacity` messages behind drops them for one
 * EVENTS_MAY_BE_LOST, which makes it catch up from the store instead, losing nothing.
 */
export class LiveQueue {
  private readonly queue: BusMessage[] = [];
  private waiting: ((message: BusMessage | null) => void) | null = null;
  private unsubscribe: (() => void) | null;

  constructor(
    bus: ShareEventBus,
    private readonly capacity: number,
  ) {
    this.unsubscribe = bus.subscribe((message) => this.add(message));
  }

  private add(message: BusMessage): void {
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake(message);
      return;
    }
    if (this.queue.length >= this.capacity) this.queue.splice(0, this.queue.length, EVENTS_MAY_BE_LOST);
    this.queue.push(message);
  }

  /** The next message, or null once closed. */
  next(): Promise<BusMessage | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (!this.unsubscribe) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Stops listening to the bus; a pending `next()` answers null. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.queue.length = 0;
    this.waiting?.(null);
    this.waiting = null;
  }
}
