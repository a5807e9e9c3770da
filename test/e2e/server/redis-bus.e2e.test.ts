import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { RedisShareEventBus } from '../../../src/modules/share/events/redis-share-event-bus';
import type { BusMessage } from '../../../src/modules/share/events/share-event-bus';
import { insertShares } from '../../support/bulk-shares';
import { capturedLogger } from '../../support/captured-logger';
import { errorCodes, startTestServer, type TestServer } from '../../support/test-server';
import { World } from '../../support/world';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });
/** What `publish` never sends: not JSON, not an object, no cursor, a cursor that is not one. */
const GARBAGE = ['not json', '42', 'null', '{"cursor":1}', '{"cursor":"x","shareId":"s"}'];

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; the OS does not hand it out again at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of the test's own on `port`, never the machine's shared one: the test stops it at will. */
async function startRedis(port: number): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return {
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
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
      const received: BusMessage[] = [];
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

  it('a malformed notice or a listener that throws is logged and skipped: the bus goes on delivering', async () => {
    const channel = `devshare:test:${randomUUID()}`;
    const { logger, lines } = capturedLogger();
    const bus = new RedisShareEventBus(REDIS_URL, logger, channel);
    const raw = new Redis(REDIS_URL);
    try {
      await bus.connect();
      const received: BusMessage[] = [];
      bus.subscribe(() => {
        throw new Error('a listener with a bug');
      });
      bus.subscribe((event) => received.push(event));
      for (const garbage of GARBAGE) await raw.publish(channel, garbage);
      const notice = { cursor: '7', shareId: randomUUID() };
      await raw.publish(channel, JSON.stringify(notice));
      await until(() => received.length === 1);
      expect(received).toEqual([notice]);
      const logged = (msg: string) => lines.filter((line) => line.msg === msg && line.level === 50);
      expect(logged('malformed share event notice ignored')).toHaveLength(GARBAGE.length);
      expect(logged('share event listener failed')).toHaveLength(1);
      expect(bus.isReady()).toBe(true);
    } finally {
      raw.disconnect();
      await bus.close();
    }
  });

  it('with REDIS_URL, subscriptions get their events through Redis and /readyz reports it', async () => {
    const server = await startTestServer({ config: { redisUrl: REDIS_URL } });
    try {
      const readyz = await fetch(server.url.replace('/graphql', '/readyz'));
      expect(await readyz.json()).toEqual({ status: 'ready', database: 'up', redis: 'up' });
      const world = new World(server);
      const team = await world.team('E');
      const sharer = team.admin;
      const client = server.wsClient({ authorization: `Bearer ${sharer.token}` });
      const events: string[] = [];
      client.subscribe<{ shareStatusChanged: { type: string } }>(
        { query: `subscription { shareStatusChanged { type } }` },
        { next: (result) => events.push(result.data!.shareStatusChanged.type), error: () => {}, complete: () => {} },
      );
      await until(() => server.app.services.bus.listenerCount() === 1);
      await world.share(team, 'r@example.com', [await world.device(team)]);
      await until(() => events.length === 1);
      expect(events).toEqual(['CREATED']);
    } finally {
      await server.close();
    }
  });
  it('a malformed notice or a throwing listener never takes the server down: it goes on delivering events and answering', async () => {
    const channel = `devshare:test:${randomUUID()}`;
    const server = await startTestServer({ config: { redisUrl: REDIS_URL, redisChannel: channel } });
    const raw = new Redis(REDIS_URL);
    try {
      const world = new World(server);
      const team = await world.team('E');
      const sharer = team.admin;
      // Ahead of the subscription's own listener: what it throws must not keep the notice from it.
      server.app.services.bus.subscribe(() => {
        throw new Error('a listener with a bug');
      });
      const client = server.wsClient({ authorization: `Bearer ${sharer.token}` });
      const events: string[] = [];
      client.subscribe<{ shareStatusChanged: { type: string } }>(
        { query: `subscription { shareStatusChanged { type } }` },
        { next: (result) => events.push(result.data!.shareStatusChanged.type), error: () => {}, complete: () => {} },
      );
      await until(() => server.app.services.bus.listenerCount() === 2);
      for (const garbage of GARBAGE) await raw.publish(channel, garbage);
      await world.share(team, 'r@example.com', [await world.device(team)]);
      await until(() => events.length === 1);
      expect(events).toEqual(['CREATED']);
      expect((await server.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      expect((await fetch(server.url.replace('/graphql', '/readyz'))).status).toBe(200);
    } finally {
      raw.disconnect();
      await server.close();
    }
  });

  it('while Redis is away /readyz answers 503 and changes still commit; once it is back, subscribers get every event they missed', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const server: TestServer = await startTestServer({ config: { redisUrl: `redis://127.0.0.1:${port}` } });
    try {
      const readyz = async () => {
        const response = await fetch(server.url.replace('/graphql', '/readyz'));
        return { status: response.status, body: await response.json() };
      };
      expect(await readyz()).toEqual({ status: 200, body: { status: 'ready', database: 'up', redis: 'up' } });
      const world = new World(server);
      const team = await world.team('E');
      const sharer = team.admin;
      const client = server.wsClient({ authorization: `Bearer ${sharer.token}` });
      const events: string[] = [];
      client.subscribe<{ shareStatusChanged: { shareId: string } }>(
        { query: `subscription { shareStatusChanged { shareId } }` },
        { next: (result) => events.push(result.data!.shareStatusChanged.shareId), error: () => {}, complete: () => {} },
      );
      await until(() => server.app.services.bus.listenerCount() === 1);
      const shareDevice = async () =>
        (await world.share(team, 'r@example.com', [await world.device(team, { name: 'UPS', model: 'M' })])).shareId;
      const before = await shareDevice();
      await until(() => events.length === 1);

      await redis.stop();
      await until(() => !server.app.services.bus.isReady());
      expect(await readyz()).toEqual({ status: 503, body: { status: 'unavailable', database: 'up', redis: 'down' } });
      const during = [await shareDevice(), await shareDevice()];

      redis = await startRedis(port);
      await until(() => events.length === 3, 15_000);
      expect(events).toEqual([before, ...during]);
      await until(() => server.app.services.bus.isReady(), 5_000);
      expect((await readyz()).status).toBe(200);
      const after = await shareDevice();
      await until(() => events.length === 4);
      expect(events).toEqual([before, ...during, after]);
    } finally {
      await server.close();
      await redis.stop();
    }
  }, 60_000);

  it('a commit of 12,000 events to a subscriber that falls behind (cancelSharesTo): it catches up from the store, every event once, in order, and the server stays up', async () => {
    // The subscription may fall only 20 bus notices behind (10,000 by default), so that it surely
    // overflows, and catches up from the store, while 12,000 events commit at once.
    const SHARES = 12_000;
    const server = await startTestServer({ config: { redisUrl: REDIS_URL }, liveBuffer: 20 });
    try {
      const { admin: sharer, enterpriseId } = await new World(server).team('Bulk');
      await insertShares(server, {
        sharer,
        enterpriseId,
        count: SHARES,
        recipientEmail: () => 'bulk@example.com',
      });
      const cursors: number[] = [];
      const errors: unknown[] = [];
      const client = server.wsClient({ authorization: `Bearer ${sharer.token}` });
      client.subscribe<{ shareStatusChanged: { cursor: string; type: string } }>(
        { query: `subscription { shareStatusChanged { cursor type } }` },
        {
          next: (result) => {
            if (result.data) cursors.push(Number(result.data.shareStatusChanged.cursor));
            if (result.errors) errors.push(...result.errors);
          },
          error: (error) => errors.push(error),
          complete: () => {},
        },
      );
      await until(() => server.app.services.bus.listenerCount() === 1);
      const cancelled = await server.gql<{ cancelSharesTo: { id: string }[] }>(
        `mutation { cancelSharesTo(recipientEmail: "bulk@example.com") { id } }`,
        {},
        { token: sharer.token },
      );
      expect(errorCodes(cancelled)).toEqual([]);
      expect(cancelled.data!.cancelSharesTo).toHaveLength(SHARES);
      // About 40 s alone; far more with the rest of the suite running on the same two cores.
      await until(() => cursors.length >= SHARES || errors.length > 0, 200_000);
      expect(errors).toEqual([]);
      expect(cursors).toHaveLength(SHARES);
      expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
      expect(new Set(cursors).size).toBe(SHARES);
      expect((await server.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await server.close();
    }
  }, 300_000);
});
