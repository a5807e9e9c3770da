import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PublishedShareEvent, ShareEventBus } from './share-event-bus';

/**
 * The share event bus across instances: every instance publishes to one Redis channel and
 * hands what arrives to its own live subscriptions. Redis pub/sub may drop messages while a
 * connection is down; the subscriptions notice the gap in cursors and catch up from the store.
 */
export class RedisShareEventBus implements ShareEventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(event: PublishedShareEvent) => void>();

  constructor(
    url: string,
    private readonly log: Logger,
    private readonly channel: string,
  ) {
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error) => this.log.warn({ err: error }, 'redis connection error'));
    }
    this.subscriber.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as PublishedShareEvent;
      for (const listener of this.listeners) listener(event);
    });
  }

  /** Resolves once the subscription to the channel is in place. */
  async connect(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  async publish(events: PublishedShareEvent[]): Promise<void> {
    if (!events.length) return;
    const pipeline = this.publisher.pipeline();
    for (const event of events) pipeline.publish(this.channel, JSON.stringify(event));
    await pipeline.exec();
  }

  subscribe(listener: (event: PublishedShareEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  /** Whether both connections are up (for /readyz). */
  isReady(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}
