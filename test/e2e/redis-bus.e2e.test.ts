import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { RedisShareEventBus } from '../../src/modules/share/redis-share-event-bus';
import type { PublishedShareEvent } from '../../src/modules/share/share-event-bus';
import { errorCodes, startTestServer } from '../support/test-server';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('share events through Redis', () => {
  it('events published by one instance reach the listeners of another, in order', async () => {
    const channel = `devshare:test:${randomUUID()}`;
    const [a, b] = [
      new RedisShareEventBus(REDIS_URL, silent, channel),
      new RedisShareEventBus(REDIS_URL, silent, channel),
    ];
    try {
      await Promise.all([a.connect(), b.connect()]);
      const received: PublishedShareEvent[] = [];
      b.subscribe((event) => received.push(event));
      const sent = Array.from({ length: 100 }, (_, i) => ({ cursor: String(i + 1), shareId: randomUUID() }));
      await a.publish(sent.slice(0, 50));
      await a.publish(sent.slice(50));
      await until(() => received.length === 100);
      expect(received).toEqual(sent);
      expect(a.isReady() && b.isReady()).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('with REDIS_URL, subscriptions get their events through Redis and /readyz reports it', async () => {
    const server = await startTestServer({ config: { redisUrl: REDIS_URL } });
    try {
      const readyz = await fetch(server.url.replace('/graphql', '/readyz'));
      expect(await readyz.json()).toEqual({ status: 'ready', database: 'up', redis: 'up' });
      const sharer = await server.signUp('Sharer');
      await server.gql(
        `mutation { createEnterprise(input: { name: "E", dataCenter: EU }) { id } }`,
        {},
        { token: sharer.token },
      );
      const client = server.wsClient({ authorization: `Bearer ${sharer.token}` });
      const events: string[] = [];
      client.subscribe<{ shareStatusChanged: { type: string } }>(
        { query: `subscription { shareStatusChanged { type } }` },
        { next: (result) => events.push(result.data!.shareStatusChanged.type), error: () => {}, complete: () => {} },
      );
      await until(() => server.app.services.bus.listenerCount() === 1);
      const device = await server.gql<{ registerDevice: { id: string } }>(
        `mutation { registerDevice(input: { serialNumber: "REDIS-1", name: "UPS", model: "M", plan: STANDARD }) { id } }`,
        {},
        { token: sharer.token },
      );
      const shared = await server.gql(
        `mutation ($id: ID!) { shareDevices(input: { deviceIds: [$id], recipientEmail: "r@example.com", permissions: [MONITOR] }) { share { id } } }`,
        { id: device.data!.registerDevice.id },
        { token: sharer.token },
      );
      expect(errorCodes(shared)).toEqual([]);
      await until(() => events.length === 1);
      expect(events).toEqual(['CREATED']);
    } finally {
      await server.close();
    }
  });
});
