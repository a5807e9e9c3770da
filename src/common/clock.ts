/** The time source of the server. Tests hand the app a clock they can move. */
export interface Clock {
  now(): Date;
  /**
   * Calls `listener` whenever the clock jumps (a test moved it), so that timers armed for a
   * moment of this clock can be re-armed. The system clock never jumps and ignores it.
   */
  onJump?(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };
