import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import { WakeLoop } from '../../common/wake-loop';
import type { Changes } from '../../context/change';
import type { ContextFactory } from '../../context/request-context';
import type { ShareDeadlines } from './share-deadlines';

const BATCH = 100;

/**
 * Expires shares at their deadline, and sends "expiring soon" notices, without any request:
 * it sleeps until the next deadline (an indexed lookup), handles what is due in batches, and
 * sleeps again. On start it first handles whatever fell due while the server was down. A change
 * to a share wakes it (`deadline`), as one may have brought a deadline closer.
 */
export function createShareExpiryScheduler(
  deadlines: ShareDeadlines,
  changes: Changes,
  contexts: ContextFactory,
  clock: Clock,
  log: Logger,
): WakeLoop {
  const loop = new WakeLoop(
    'share expiry',
    async () => {
      const ctx = await contexts.create({ requestId: `expiry-${randomUUID()}`, clientAddress: 'internal' });
      while ((await deadlines.processDue(ctx, BATCH)) === BATCH);
      return deadlines.nextDeadline(clock.now());
    },
    clock,
    log,
  );
  changes.afterCommit('deadline', () => loop.wake());
  return loop;
}
