import type { EntityManager } from 'typeorm';
import { allocate } from '../../database/counters';
import { insertNew } from '../../database/database';
import { isLive, type ShareEventType, type ShareStatus } from './share-lifecycle';
import { ShareEvent } from './share-event.entity';
import type { Share } from './share.entity';

/**
 * Appends the event of a change to `share` (already in its new status), in the change's
 * transaction. The event that ends the share (from a live status to a final one) carries why.
 */
export async function recordShareEvent(
  manager: EntityManager,
  change: {
    share: Share;
    type: ShareEventType;
    previousStatus: ShareStatus | null;
    deviceIds: string[];
    actorId: string | null;
    at: Date;
  },
): Promise<ShareEvent> {
  const [cursor] = await allocate(manager, 'share_event', 1);
  return insertNew(manager, ShareEvent, {
    cursor: String(cursor),
    shareId: change.share.id,
    type: change.type,
    deviceIds: change.deviceIds,
    previousStatus: change.previousStatus,
    status: change.share.status,
    endReason: ends(change.previousStatus, change.share.status) ? change.share.endReason : null,
    actorId: change.actorId,
    at: change.at,
  });
}

const ends = (previous: ShareStatus | null, status: ShareStatus) =>
  previous !== null && isLive(previous) && !isLive(status);
