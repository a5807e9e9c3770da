import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EVENTS_MAY_BE_LOST, type BusMessage, type PublishedShareEvent, type ShareEventBus } from './share-event-bus';

/**
 * The share event bus across instances: every instance publishes to one Redis channel and
 * hands what arrives to its own live subscriptions. Redis pub/sub drops what is published while
 * a subscriber is disconnected: after reconnecting, the bus subscribes again and only then tells
 * its listeners to catch up from the store, so nothing published meanwhile is missed. (A gap in
 * cursors, should one still arrive, makes a subscription catch up too.)
 */
export class RedisShareEventBus implements ShareEventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(event: BusMessage) => void>();
  /** Subscribed to the channel now; false from a disconnection until subscribed again. */
  private listening = false;
  private connected = false;

  constructor(
    url: string,
    private readonly log: Logger,
    private readonly channel: string,
  ) {
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true };
    this.publisher = new Redis(url, options);
    // Resubscribed by hand: ioredis would announce "ready" before its own resubscription is in place.
    this.subscriber = new Redis(url, { ...options, autoResubscribe: false });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error) => this.log.warn({ err: error }, 'redis connection error'));
    }
    this.subscriber.on('close', () => (this.listening = false));
    this.subscriber.on('ready', () => {
      if (this.connected) void this.resubscribe();
    });
    this.subscriber.on('message', (_channel: string, message: string) => {
      const event = parseNotice(message);
      // Dropped, not thrown: out of an ioredis handler a throw ends the process. Were it one of
      // ours, the gap in cursors it leaves makes the subscriptions catch up from the store.
      if (!event) this.log.error({ notice: message.slice(0, 200) }, 'malformed share event notice ignored');
      else this.notify(event);
    });
  }

  /** Resolves once the subscription to the channel is in place. */
  async connect(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    this.listening = true;
    this.connected = true;
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      // The connection dropped again; its next "ready" tries again.
      this.log.warn({ err: error }, 'redis resubscription failed');
      return;
    }
    this.listening = true;
    this.log.info('redis subscription restored; live subscriptions catch up from the store');
    this.notify(EVENTS_MAY_BE_LOST);
  }

  /**
   * Hands `message` to every listener. What a listener throws stops here: thrown out of an
   * ioredis event handler it would end the process, and the other listeners would miss it.
   */
  private notify(message: BusMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.log.error({ err: error }, 'share event listener failed');
      }
    }
  }

  async publish(events: PublishedShareEvent[]): Promise<void> {
    if (!events.length) return;
    const pipeline = this.publisher.pipeline();
    for (const event of events) pipeline.publish(this.channel, JSON.stringify(event));
    await pipeline.exec();
  }

  subscribe(listener: (event: BusMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  /** Whether both connections are up (for /readyz). */
  isReady(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' && this.listening;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}

/** A notice as `publish` sends it, or null for anything else. */
function parseNotice(message: string): PublishedShareEvent | null {
  let notice: unknown;
  try {
    notice = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof notice !== 'object' || notice === null) return null;
  const { cursor, shareId } = notice as Record<string, unknown>;
  if (typeof cursor !== 'string' || !/^\d{1,18}$/.test(cursor) || typeof shareId !== 'string') return null;
  return { cursor, shareId };
}
