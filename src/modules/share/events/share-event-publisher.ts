import type { Logger } from 'pino';
import { MoreThan } from 'typeorm';
import type { Clock } from '../../../common/clock';
import { WakeLoop } from '../../../common/wake-loop';
import { Counter } from '../../../database/counter.entity';
import type { Database } from '../../../database/database';
import type { ShareEventBus } from './share-event-bus';
import { PUBLISHED_COUNTER } from './share-event-counters';
import { ShareEvent } from './share-event.entity';
import type { ShareEventService } from './share-event.service';

const BATCH = 500;

/**
 * Publishes share events after they commit, from the stored events (an outbox): it reads what
 * follows the last published cursor, publishes it in cursor order and records the new position.
 * A crash between a commit and its publication loses nothing: on restart the publisher goes on
 * from the recorded position. Share changes wake it at once.
 *
 * Each batch holds the position row locked from reading to recording, so that of several
 * instances woken by one change exactly one publishes each event; the others wait, then find
 * nothing new. Should the recording fail after the bus took a batch, the batch goes out again;
 * subscriptions drop cursors they have already delivered.
 */
export function createShareEventPublisher(db: Database, bus: ShareEventBus, clock: Clock, log: Logger) {
  /** Publishes the next batch; answers whether more may follow at once. */
  const publishNextBatch = () =>
    db.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Counter)
        .values({ name: PUBLISHED_COUNTER, value: '0' })
        .orIgnore()
        .execute();
      const counter = await db
        .forUpdate(
          manager.createQueryBuilder(Counter, 'counter').where('counter.name = :name', { name: PUBLISHED_COUNTER }),
        )
        .getOneOrFail();
      const events = await manager.find(ShareEvent, {
        where: { cursor: MoreThan(counter.value) },
        order: { cursor: 'ASC' },
        take: BATCH,
        select: { cursor: true, shareId: true },
      });
      if (!events.length) return false;
      await bus.publish(events.map(({ cursor, shareId }) => ({ cursor, shareId })));
      await manager.update(Counter, { name: PUBLISHED_COUNTER }, { value: events.at(-1)!.cursor });
      return events.length === BATCH;
    });

  return new WakeLoop(
    'share event publisher',
    async () => {
      while (await publishNextBatch());
      return null;
    },
    clock,
    log,
  );
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
