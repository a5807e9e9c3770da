/**
 * What travels on the bus: the stored event, as plain JSON (so that it can cross processes), in
 * cursor order. Subscribers load what they show through their own per-event context.
 */
export interface PublishedShareEvent {
  cursor: string;
  shareId: string;
}

/** Said to listeners after the bus was disconnected: events published meanwhile did not reach them. */
export const EVENTS_MAY_BE_LOST = 'events-may-be-lost';

export type BusMessage = PublishedShareEvent | typeof EVENTS_MAY_BE_LOST;

/**
 * Fan-out of committed share events to the live subscriptions of this process. In-process by
 * default; a Redis implementation behind the same interface lets several instances share one
 * stream.
 */
export interface ShareEventBus {
  /** Delivers to every listener, in the order of the calls. */
  publish(events: PublishedShareEvent[]): Promise<void>;
  /**
   * `listener` gets every event published from now on, and `EVENTS_MAY_BE_LOST` when the bus
   * cannot vouch for that (it was disconnected): the listener then catches up from the store.
   * The answer unsubscribes.
   */
  subscribe(listener: (event: BusMessage) => void): () => void;
  /** How many listeners this process has (live subscriptions). */
  listenerCount(): number;
  /** Resolves once the bus can deliver (e.g. subscribed to Redis). */
  connect(): Promise<void>;
  /** Whether the bus can deliver right now (for /readyz). */
  isReady(): boolean;
  close(): Promise<void>;
}

export class InProcessShareEventBus implements ShareEventBus {
  private readonly listeners = new Set<(event: BusMessage) => void>();

  async publish(events: PublishedShareEvent[]): Promise<void> {
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: BusMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  async connect(): Promise<void> {}

  isReady(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
