import type { Logger } from 'pino';
import { MoreThan } from 'typeorm';
import type { Clock } from '../../common/clock';
import { WakeLoop } from '../../common/wake-loop';
import { Counter } from '../../database/counter.entity';
import type { Database } from '../../database/database';
import type { ShareEventBus } from './share-event-bus';
import { ShareEvent } from './share-event.entity';
import type { ShareEventService } from './share-event.service';

const BATCH = 500;
export const PUBLISHED_COUNTER = 'share_event_published';

/**
 * Publishes share events after they commit, from the stored events (an outbox): it reads what
 * follows the last published cursor, publishes it in cursor order and records the new position.
 * A crash between a commit and its publication loses nothing: on restart the publisher goes on
 * from the recorded position. Share changes wake it at once.
 */
export function createShareEventPublisher(db: Database, bus: ShareEventBus, clock: Clock, log: Logger) {
  async function publishPending(): Promise<Date | null> {
    // Read every run, never cached: what counts is the position on record, as after a crash.
    let position = Number((await db.manager.findOneBy(Counter, { name: PUBLISHED_COUNTER }))?.value ?? 0);
    for (;;) {
      const events: ShareEvent[] = await db.manager.find(ShareEvent, {
        where: { cursor: MoreThan(String(position)) },
        order: { cursor: 'ASC' },
        take: BATCH,
        select: { cursor: true, shareId: true },
      });
      if (!events.length) return null;
      await bus.publish(events.map(({ cursor, shareId }) => ({ cursor, shareId })));
      position = Number(events.at(-1)!.cursor);
      await db.transaction(async (manager) => {
        await manager
          .createQueryBuilder()
          .insert()
          .into(Counter)
          .values({ name: PUBLISHED_COUNTER, value: '0' })
          .orIgnore()
          .execute();
        await manager.update(Counter, { name: PUBLISHED_COUNTER }, { value: String(position) });
      });
      if (events.length < BATCH) return null;
    }
  }

  return new WakeLoop('share event publisher', publishPending, clock, log);
}

const PRUNE_EVERY_MS = 3_600_000;

/** Deletes share events past the retention, once an hour (resuming before them is CURSOR_EXPIRED). */
export function createShareEventPruner(events: ShareEventService, retentionDays: number, clock: Clock, log: Logger) {
  return new WakeLoop(
    'share event pruner',
    async () => {
      const now = clock.now();
      const pruned = await events.prune(new Date(now.getTime() - retentionDays * 24 * 3_600_000));
      if (pruned) log.info({ pruned }, 'old share events deleted');
      return new Date(now.getTime() + PRUNE_EVERY_MS);
    },
    clock,
    log,
    PRUNE_EVERY_MS,
  );
}
