import WebSocket from 'ws';
import { TRY_AGAIN_LATER } from '../../../src/server/websocket';
import { onPostgres, suiteDatabaseUrl } from '../../support/test-database';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { errorCodes, startTestServer, type TestServer } from '../../support/test-server';

/*
 * PostgreSQL going away and coming back, for one server only: the test reaches the database
 * through a relay it cuts and restores (the machine's PostgreSQL keeps running for everyone else).
 */

const describeOnPostgres = onPostgres() ? describe : describe.skip;

async function until(condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeOnPostgres('while PostgreSQL is away', () => {
  let proxy: TcpProxy;
  let server: TestServer;
  const readyz = () => fetch(server.url.replace('/graphql', '/readyz'));

  beforeAll(async () => {
    const target = new URL(suiteDatabaseUrl());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startTestServer({
      config: { redisUrl: undefined },
      databaseVia: (url) => {
        const viaProxy = new URL(url);
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(proxy.port);
        return viaProxy.toString();
      },
    });
  });

  afterAll(async () => {
    await proxy.restore();
    await server.close();
    await proxy.close();
  });

  it('/readyz answers 503, requests answer SERVICE_UNAVAILABLE (HTTP 503), and all recover by themselves once it is back', async () => {
    const sharer = await server.signUp('Before');
    expect((await readyz()).status).toBe(200);

    await proxy.cut();
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', database: 'down' });

    // The token is checked against the database before anything runs.
    const signedIn = await server.gql(`{ me { id } }`, {}, { token: sharer.token });
    expect(signedIn.status).toBe(503);
    expect(errorCodes(signedIn)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(signedIn.errors![0].message).toBe('The service cannot reach its database right now; try again shortly');
    // A resolver that reaches the database.
    const signUp = await server.gql(
      `mutation { signUp(input: { email: "during@example.com", password: "correct horse battery", name: "During" }) { token } }`,
    );
    expect(signUp.status).toBe(503);
    expect(signUp.headers.get('retry-after')).toBe('5');
    expect(errorCodes(signUp)).toEqual(['SERVICE_UNAVAILABLE']);

    // A live UI connecting now is told to come back later, not that its token is bad.
    const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${sharer.token}` } })),
    );
    expect(await closed).toEqual({
      code: TRY_AGAIN_LATER,
      reason: 'The service cannot reach its database right now; try again shortly',
    });

    await proxy.restore();
    await until(async () => (await readyz()).status === 200);
    const me = await server.gql<{ me: { id: string } }>(`{ me { id } }`, {}, { token: sharer.token });
    expect(errorCodes(me)).toEqual([]);
    expect(me.data!.me.id).toBe(sharer.account.id);
    const after = await server.signUp('After');
    expect(after.token).toBeTruthy();
  }, 60_000);
});
