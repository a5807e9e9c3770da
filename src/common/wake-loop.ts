import type { Logger } from 'pino';
import type { Clock } from './clock';

/** The longest a loop sleeps by default: a safety net for work another instance scheduled. */
const MAX_SLEEP_MS = 30_000;
const RETRY_AFTER_FAILURE_MS = 1_000;

/**
 * Background work that runs when it is due, not on a fixed beat: `run` does what is due and
 * answers when it next has work (null: nothing known). The loop sleeps until then (at most 30 s),
 * and wakes early when told something changed or when the clock jumps. Runs never overlap.
 */
export class WakeLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private stopListening: () => void = () => {};
  private succeed: () => void = () => {};
  /** Resolves after the first run that succeeds: `start`'s own, or the first retry that does. */
  readonly succeeded = new Promise<void>((resolve) => (this.succeed = resolve));

  constructor(
    private readonly name: string,
    private readonly run: () => Promise<Date | null>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxSleepMs = MAX_SLEEP_MS,
  ) {}

  /** Runs once now (and waits for it, whether it succeeds or fails), then keeps watching. */
  start(): Promise<void> {
    this.stopped = false;
    this.stopListening = this.clock.onJump?.(() => this.wake()) ?? (() => {});
    return this.trigger();
  }

  /** Something changed: look again now. */
  wake(): void {
    if (!this.stopped) void this.trigger();
  }

  /** Stops watching and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening();
    clearTimeout(this.timer);
    await this.running;
  }

  private trigger(): Promise<void> {
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.once().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
    return this.running;
  }

  private async once(): Promise<void> {
    try {
      const next = await this.run();
      this.succeed();
      const delay = next ? next.getTime() - this.clock.now().getTime() : this.maxSleepMs;
      this.sleep(Math.min(Math.max(delay, 0), this.maxSleepMs));
    } catch (error) {
      this.log.error({ err: error }, `${this.name} failed; retrying`);
      this.sleep(RETRY_AFTER_FAILURE_MS);
    }
  }

  private sleep(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }
}
