import type { Clock } from '../../src/common/clock';

/** A clock that only moves when a test moves it. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = new Date()) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  private readonly listeners = new Set<() => void>();

  advance(milliseconds: number): void {
    this.current += milliseconds;
    for (const listener of this.listeners) listener();
  }

  onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
