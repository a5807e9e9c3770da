import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { ContextFactory } from '../../context/request-context';
import type { ShareService } from './share.service';

const BATCH = 100;
/** The longest the scheduler sleeps: a safety net for deadlines set by another instance. */
const MAX_SLEEP_MS = 30_000;

/**
 * Expires shares at their deadline, and sends "expiring soon" notices, without any request:
 * it sleeps until the next deadline (an indexed lookup), wakes, handles what is due in batches,
 * and sleeps again. On start it first handles whatever fell due while the server was down.
 * Changes that bring a deadline closer call `reschedule`.
 */
export class ShareExpiryScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly shares: ShareService,
    private readonly contexts: ContextFactory,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.stopListening = clock.onJump?.(() => this.reschedule()) ?? (() => {});
    shares.watchDeadlines(() => this.reschedule());
  }

  /** Handles what is overdue, then keeps watching. */
  start(): Promise<void> {
    this.stopped = false;
    return this.wake();
  }

  /** Look again at the next deadline (one may have come closer). */
  reschedule(): void {
    if (this.stopped) return;
    void this.wake();
  }

  /** Stops watching and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening();
    clearTimeout(this.timer);
    await this.running;
  }

  private wake(): Promise<void> {
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.wake();
      }
    });
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      const ctx = await this.contexts.create({ requestId: `expiry-${randomUUID()}` });
      while (!this.stopped && (await this.shares.processDue(ctx, BATCH)) === BATCH);
      if (this.stopped) return;
      const now = this.clock.now();
      const next = await this.shares.nextDeadline(now);
      const delay = next ? Math.min(Math.max(next.getTime() - now.getTime(), 0), MAX_SLEEP_MS) : MAX_SLEEP_MS;
      this.arm(delay);
    } catch (error) {
      this.log.error({ err: error }, 'share expiry run failed; retrying');
      this.arm(1_000);
    }
  }

  private arm(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.wake(), delay);
    this.timer.unref();
  }
}
