import type { Change } from '../../../context/change';
import { allocate } from '../../../database/counters';
import { insertNew } from '../../../database/database';
import { isLive, type ShareEventType, type ShareStatus } from '../share-lifecycle';
import { ShareEvent } from './share-event.entity';
import type { Share } from '../share.entity';

/**
 * Appends the event of a change to `share` (already in its new status), in the change's
 * transaction. The event that ends the share (from a live status to a final one) carries why.
 */
export async function recordShareEvent(
  change: Change,
  event: {
    share: Share;
    type: ShareEventType;
    previousStatus: ShareStatus | null;
    deviceIds: string[];
  },
): Promise<ShareEvent> {
  change.wrote('shareEvent');
  const [cursor] = await allocate(change.manager, 'share_event', 1);
  return insertNew(change.manager, ShareEvent, {
    cursor: String(cursor),
    shareId: event.share.id,
    type: event.type,
    deviceIds: event.deviceIds,
    previousStatus: event.previousStatus,
    status: event.share.status,
    endReason: ends(event.previousStatus, event.share.status) ? event.share.endReason : null,
    actorId: change.ctx.viewer?.account.id ?? null,
    at: change.now,
  });
}

const ends = (previous: ShareStatus | null, status: ShareStatus) =>
  previous !== null && isLive(previous) && !isLive(status);
