import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { capturedLogger } from '../support/captured-logger';
import { eventually } from '../support/eventually';
import { startTestServer, wsExecute, type Session, type TestServer } from '../support/test-server';
import { StatementCounter } from '../support/statement-counter';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SUBSCRIBE = `subscription { shareStatusChanged { cursor type } }`;
const MAX_SOCKETS_PER_ACCOUNT = 20;

/** A raw graphql-ws socket, logged in and subscribed (`subscriptions` times), as a browser tab holds it. */
async function subscribedSocket(
  server: TestServer,
  session: Session,
  query = SUBSCRIBE,
  subscriptions = 1,
): Promise<WebSocket> {
  const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: { type: string }[] = [];
  let arrived: () => void = () => {};
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    arrived();
  });
  const next = (type: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (messages.some((message) => message.type === type) ? resolve() : undefined);
      arrived = check;
      socket.once('close', (code) => reject(new Error(`closed with ${code} before ${type}`)));
      check();
    });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${session.token}` } }));
  await next('connection_ack');
  for (let id = 1; id <= subscriptions; id++) {
    socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query } }));
  }
  return socket;
}

/** Waits (up to `ms`) until `condition` holds. */
const until = (condition: () => boolean, ms = 10_000) => eventually(() => (condition() ? true : undefined), ms);

describe('graphql-ws: a socket that goes away leaves nothing behind', () => {
  let server: TestServer;
  let session: Session;
  let shareId: string;
  const statements = new StatementCounter();
  beforeAll(async () => {
    server = await startTestServer({
      config: { wsMaxSocketsPerAccount: MAX_SOCKETS_PER_ACCOUNT },
      queryLogger: statements,
    });
    session = await server.signUp('Reloader');
    await server.gql(
      `mutation { createEnterprise(input: { name: "Tabs", dataCenter: EU }) { id } }`,
      {},
      { token: session.token },
    );
    const device = await server.gql<{ registerDevice: { id: string } }>(
      `mutation { registerDevice(input: { serialNumber: "TAB-1", name: "D", model: "M", plan: STANDARD }) { id } }`,
      {},
      { token: session.token },
    );
    const shared = await server.gql<{ shareDevices: { share: { id: string } } }>(
      `mutation ($id: ID!, $until: DateTimeISO!) { shareDevices(input: { deviceIds: [$id], recipientEmail: "tabs@example.com", permissions: [MONITOR], expiresAt: $until }) { share { id } } }`,
      { id: device.data!.registerDevice.id, until: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString() },
      { token: session.token },
    );
    shareId = shared.data!.shareDevices.share.id;
  });
  afterAll(() => server.close());

  /**
   * The SQL statements one share change costs, from its mutation until the server is quiet again,
   * with one subscriber receiving it: what every live (or leaked) stream adds shows here.
   */
  async function statementsOfOneChange(): Promise<number> {
    const socket = await subscribedSocket(server, session);
    let received = 0;
    socket.on('message', (data) => (JSON.parse(String(data)).type === 'next' ? received++ : undefined));
    await until(() => server.app.services.bus.listenerCount() > 0);
    const before = statements.count;
    await server.gql(
      `mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 1 }) { id } }`,
      { id: shareId },
      {
        token: session.token,
      },
    );
    await until(() => received === 1);
    let seen = -1;
    await eventually(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return statements.count === seen ? true : ((seen = statements.count), undefined);
    }, 10_000);
    socket.close();
    await until(idle);
    return seen - before;
  }

  const idle = () => {
    const stats = server.app.websocketStats();
    return stats.sockets === 0 && stats.operations === 0 && stats.accountsWithSockets === 0;
  };

  it('1,000 subscribed sockets, closed or vanished (page reloads), hold no subscription, slot or memory afterwards, and an event costs what it did', async () => {
    const costBefore = await statementsOfOneChange();
    const listenersBefore = server.app.services.bus.listenerCount();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 1_000 / MAX_SOCKETS_PER_ACCOUNT; round++) {
      // As many tabs as the account may hold at once, each subscribed, then all reloaded.
      const sockets = await Promise.all(
        Array.from({ length: MAX_SOCKETS_PER_ACCOUNT }, () => subscribedSocket(server, session)),
      );
      await until(() => server.app.services.bus.listenerCount() === listenersBefore + MAX_SOCKETS_PER_ACCOUNT);
      // Half say goodbye, half just vanish (no close frame), as a killed tab or a lost network does.
      sockets.forEach((socket, index) => (index % 2 ? socket.close() : socket.terminate()));
      await until(idle);
    }
    expect(server.app.services.bus.listenerCount()).toBe(listenersBefore);
    expect(server.app.websocketStats()).toEqual({ sockets: 0, operations: 0, accountsWithSockets: 0 });
    gc();
    // 1,000 leaked subscriptions held 75-96 KiB each; what is left must be noise.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
    // Every slot is free again: the account opens its full allowance at once.
    const sockets = await Promise.all(
      Array.from({ length: MAX_SOCKETS_PER_ACCOUNT }, () => subscribedSocket(server, session)),
    );
    sockets.forEach((socket) => socket.terminate());
    await until(idle);
    // 1,000 leaked streams would each read the database for the event: a thousand statements more.
    expect(await statementsOfOneChange()).toBeLessThan(costBefore + 20);
  }, 120_000);

  it('a subscription whose socket closes while no event is coming still ends at once', async () => {
    const socket = await subscribedSocket(server, session);
    await until(() => server.app.websocketStats().operations === 1);
    socket.close();
    await until(idle, 2_000);
  });
});

describe('graphql-ws: a client that stops reading', () => {
  // Each event carries the share's 100 devices: about 20 KB a message.
  const LARGE = `subscription { shareStatusChanged { cursor share { devices(first: 100) { edges { node { deviceId status device { id name serialNumber model plan } } } } } } }`;

  /** An owner with a share of 100 devices, and a way to make it change (one event each time). */
  async function bigShare(server: TestServer) {
    const owner = await server.signUp('Owner');
    const recipient = await server.signUp('Recipient');
    await server.gql(
      `mutation { createEnterprise(input: { name: "Big", dataCenter: EU }) { id } }`,
      {},
      {
        token: owner.token,
      },
    );
    const deviceIds: string[] = [];
    for (let i = 0; i < 100; i++) {
      const registered = await server.gql<{ registerDevice: { id: string } }>(
        `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "A device with a long name", model: "Model 2000 XL", plan: STANDARD }) { id } }`,
        { serial: `BIG-${i}` },
        { token: owner.token },
      );
      deviceIds.push(registered.data!.registerDevice.id);
    }
    const shared = await server.gql<{ shareDevices: { share: { id: string } } }>(
      `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id } } }`,
      {
        input: {
          deviceIds,
          recipientEmail: recipient.account.email,
          permissions: ['MONITOR'],
          expiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString(),
        },
      },
      { token: owner.token },
    );
    const shareId = shared.data!.shareDevices.share.id;
    const change = () =>
      server.gql(
        `mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 1 }) { id } }`,
        { id: shareId },
        {
          token: owner.token,
        },
      );
    return { owner, change };
  }

  /** A socket that reads every message, counting the `next` ones. */
  async function reader(server: TestServer, owner: Session) {
    const socket = await subscribedSocket(server, owner, LARGE);
    const counted = { socket, received: 0 };
    socket.on('message', (data) => (JSON.parse(String(data)).type === 'next' ? counted.received++ : undefined));
    return counted;
  }

  const pause = (socket: WebSocket) => (socket as unknown as { _socket: { pause(): void } })._socket.pause();

  it('is dropped at its next unanswered ping, with what it held, while the others get every event', async () => {
    const server = await startTestServer({ config: { wsKeepAliveMs: 1_000 } });
    try {
      const { owner, change } = await bigShare(server);
      const paused = await subscribedSocket(server, owner, LARGE);
      const active = await reader(server, owner);
      await until(() => server.app.websocketStats().operations === 2);
      pause(paused);

      const EVENTS = 250; // about 6 MB: more than the loopback socket buffers take (about 4 MB here)
      for (let i = 0; i < EVENTS; i++) await change();
      await until(() => active.received === EVENTS, 30_000);
      // The reader answers pings; the paused client does not, and is gone with what it held.
      await until(() => server.app.websocketStats().sockets === 1, 5_000);
      expect(server.app.websocketStats()).toEqual({ sockets: 1, operations: 1, accountsWithSockets: 1 });
      active.socket.close();
      paused.terminate();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('is dropped as soon as its unread messages pass WS_MAX_BUFFERED_BYTES, without waiting for a ping, and the memory it held is given back', async () => {
    const logged = capturedLogger();
    const server = await startTestServer({
      config: { wsKeepAliveMs: 3_600_000, wsMaxBufferedBytes: 256 * 1024 },
      logger: logged.logger,
    });
    try {
      const { owner, change } = await bigShare(server);
      const active = await reader(server, owner);
      await until(() => server.app.websocketStats().operations === 1);
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      // Twenty subscriptions on one socket that stops reading: about 400 KB for every event, and
      // as much waiting to be sent once the kernel's buffers are full (one message per operation).
      const paused = await subscribedSocket(server, owner, LARGE, 20);
      await until(() => server.app.websocketStats().operations === 21);
      pause(paused);

      let events = 0;
      while (server.app.websocketStats().sockets === 2 && events < 500) {
        await change();
        events++;
      }
      // Dropped long before the hour-long ping, once the kernel's buffers (a few MB) were full.
      expect(server.app.websocketStats()).toEqual({ sockets: 1, operations: 1, accountsWithSockets: 1 });
      expect(logged.lines.some((line) => line.msg === 'graphql-ws client is not reading its messages: dropped')).toBe(
        true,
      );
      await until(() => active.received === events, 30_000);
      paused.terminate();
      gc();
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(8 * 1024 * 1024);
      active.socket.close();
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('graphql-ws: strangers and logging', () => {
  it('closes a socket that does not log in with 4401, and one that sends no connection_init within 3 s with 4408', async () => {
    const server = await startTestServer();
    try {
      const anonymous = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise((resolve) => anonymous.once('open', resolve));
      const anonymousClosed = new Promise<number>((resolve) => anonymous.once('close', resolve));
      anonymous.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      expect(await anonymousClosed).toBe(4401);

      const silent = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      expect(await new Promise<number>((resolve) => silent.once('close', resolve))).toBe(4408);
      await until(() => server.app.websocketStats().sockets === 0);
    } finally {
      await server.close();
    }
  });

  it('writes one log line per graphql-ws operation, like an HTTP request, and logs unexpected errors with its request id', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      const session = await server.signUp();
      const client = server.wsClient({ authorization: `Bearer ${session.token}` });
      await wsExecute(client, 'query WhoAmI { me { id } }');
      await until(() => lines.some((line) => line.msg === 'graphql request' && line.transport === 'graphql-ws'));
      const operationLine = lines.find((line) => line.msg === 'graphql request' && line.transport === 'graphql-ws');
      expect(operationLine).toMatchObject({ operationName: 'WhoAmI', errors: 0, requestId: expect.any(String) });
      expect(typeof operationLine!.durationMs).toBe('number');

      await server.gql(
        `mutation { createEnterprise(input: { name: "Broken", dataCenter: EU }) { id } }`,
        {},
        {
          token: session.token,
        },
      );
      await server.app.db.dataSource.query('DROP TABLE "audit_event"');
      const broken = await wsExecute(
        client,
        `mutation Broken { registerDevice(input: { serialNumber: "B-1", name: "B", model: "B", plan: BASIC }) { id } }`,
      );
      expect(broken.errors).toEqual([expect.objectContaining({ message: 'Internal server error' })]);
      await until(() => lines.some((line) => line.msg === 'unexpected error'));
      const logged = lines.find((line) => line.msg === 'unexpected error')!;
      const brokenLine = lines.find((line) => line.msg === 'graphql request' && line.operationName === 'Broken');
      expect(logged.requestId).toEqual(brokenLine?.requestId);
      expect(JSON.stringify(logged)).toMatch(/audit_event/);
      expect(JSON.stringify(lines)).not.toContain(session.token);
    } finally {
      await server.close();
    }
  });
  it('an unexpected error while an operation starts is logged with its request id and answers that operation INTERNAL_SERVER_ERROR, without closing the socket', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      const session = await server.signUp();
      const client = server.wsClient({ authorization: `Bearer ${session.token}` });
      let closes = 0;
      client.on('closed', () => closes++);
      const me = { data: { me: { id: session.account.id } } };
      expect(await wsExecute(client, '{ me { id } }')).toEqual(me);
      // A database fault in onSubscribe: every operation reads the caller's memberships first.
      await server.app.db.dataSource.query('ALTER TABLE "membership" RENAME TO "membership_away"');
      const failed = await wsExecute(client, '{ me { id } }').catch((errors: unknown) => ({ errors }));
      await server.app.db.dataSource.query('ALTER TABLE "membership_away" RENAME TO "membership"');
      expect(failed).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      await until(() => lines.some((line) => line.msg === 'graphql request' && line.errors === 1));
      const operationLine = lines.find((line) => line.msg === 'graphql request' && line.errors === 1)!;
      const logged = lines.filter((line) => line.level === 50);
      expect(logged).toEqual([
        expect.objectContaining({ msg: 'unexpected error', requestId: operationLine.requestId }),
      ]);
      expect(JSON.stringify(logged)).toMatch(/membership/);
      expect(operationLine).toMatchObject({ transport: 'graphql-ws', requestId: expect.any(String) });
      // The same socket goes on serving.
      expect(await wsExecute(client, '{ me { id } }')).toEqual(me);
      expect(closes).toBe(0);
    } finally {
      await server.close();
    }
  });
  it.each([
    [
      'fails while it runs',
      () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('stream broke')) }) }),
    ],
    ['is not a stream at all', () => 'stream broke' as never],
  ])(
    'a subscription whose stream %s answers INTERNAL_SERVER_ERROR, logged with its request id, without closing the socket',
    async (_name, brokenStream) => {
      const { logger, lines } = capturedLogger();
      const server = await startTestServer({ logger });
      try {
        const session = await server.signUp();
        const client = server.wsClient({ authorization: `Bearer ${session.token}` });
        let closes = 0;
        client.on('closed', () => closes++);
        jest.spyOn(server.app.services.events, 'stream').mockImplementationOnce(brokenStream);
        const failed = await wsExecute(client, SUBSCRIBE).catch((errors: unknown) => ({ errors }));
        expect(failed).toEqual({
          errors: [
            expect.objectContaining({
              message: 'Internal server error',
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            }),
          ],
        });
        await until(() => lines.some((line) => line.msg === 'graphql request' && line.errors === 1));
        const operationLine = lines.find((line) => line.msg === 'graphql request' && line.errors === 1)!;
        const logged = lines.filter((line) => line.level === 50);
        expect(logged).toEqual([
          expect.objectContaining({ msg: 'unexpected error', requestId: operationLine.requestId }),
        ]);
        expect(JSON.stringify(logged)).toMatch(/stream broke/);
        expect(await wsExecute(client, '{ me { id } }')).toEqual({ data: { me: { id: session.account.id } } });
        expect(closes).toBe(0);
      } finally {
        await server.close();
      }
    },
  );
});
