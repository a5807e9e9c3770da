import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../../src/demo/demo-data';
import { startProcess } from '../../support/server-process';
import { errorCodes, startTestServer, nodes } from '../../support/test-server';

describe('HTTP endpoints', () => {
  it('GET /healthz answers JSON while the process is up', async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(server.url.replace('/graphql', '/healthz'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      await server.close();
    }
  });

  it('GET /readyz answers 200 while the database is reachable and 503 once it is not', async () => {
    // Redis is /readyz's other concern; redis-bus.e2e.test.ts covers it.
    const server = await startTestServer({ config: { redisUrl: undefined } });
    try {
      const readyz = server.url.replace('/graphql', '/readyz');
      const up = await fetch(readyz);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: 'ready', database: 'up' });
      await server.app.db.dataSource.destroy();
      const down = await fetch(readyz);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'unavailable', database: 'down' });
    } finally {
      await server.close();
    }
  });

  it('no GraphQL response may be stored by a cache (cache-control: no-store): answers are per viewer', async () => {
    const server = await startTestServer();
    try {
      const post = (query: string) =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
      for (const response of [await post('{ __typename }'), await post('{ me { id } }'), await post('{ nope }')]) {
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
    } finally {
      await server.close();
    }
  });

  it('every GraphQL response carries a request id: the caller’s own when it is plain, a new one otherwise', async () => {
    const server = await startTestServer();
    try {
      const own = await server.gql('{ __typename }', {}, { headers: { 'x-request-id': 'trace-123' } });
      expect(own.headers.get('x-request-id')).toBe('trace-123');
      const hostile = await server.gql('{ __typename }', {}, { headers: { 'x-request-id': 'a b\tc'.repeat(30) } });
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await server.close();
    }
  });
});

describe('demo data', () => {
  it('the first start of an empty database loads the demo world; demo logins work', async () => {
    const server = await startTestServer({ config: { demoData: true } });
    try {
      const login = await server.gql<{ logIn: { token: string } }>(
        `mutation { logIn(email: "alice@acme.example", password: "${DEMO_PASSWORD}") { token } }`,
      );
      const token = login.data!.logIn.token;
      const devices = await server.gql<{
        devices: { edges: { node: { plan: string; isDemo: boolean } }[] };
        me: {
          memberships: {
            edges: { node: { role: string; enterprise: { dataCenter: string; groups: { edges: unknown[] } } } }[];
          };
        };
      }>(
        `{ devices { edges { node { plan isDemo } } }
           me { memberships { edges { node { role enterprise { dataCenter groups { edges { node { name } } } } } } } } }`,
        {},
        { token },
      );
      expect(errorCodes(devices)).toEqual([]);
      const plans = new Set(devices.data!.devices.edges.map((edge) => edge.node.plan));
      expect(plans).toEqual(new Set(['BASIC', 'STANDARD', 'ADVANCED']));
      expect(devices.data!.devices.edges.some((edge) => edge.node.isDemo)).toBe(true);
      expect(nodes(devices.data!.me.memberships)[0].enterprise.groups.edges.length).toBeGreaterThanOrEqual(3);
      const gina = await server.gql<{ logIn: { token: string } }>(
        `mutation { logIn(email: "gina@globex.example", password: "${DEMO_PASSWORD}") { token account { memberships { edges { node { enterprise { dataCenter } } } } } } }`,
      );
      expect(errorCodes(gina)).toEqual([]);
      expect(JSON.stringify(gina.data)).toContain('"US"');
      expect(nodes(devices.data!.me.memberships)[0].enterprise.dataCenter).toBe('EU');
      const pending = await server.gql<{
        sharedWithMe: { edges: { node: { status: string; sharer: { email: string } } }[] };
      }>(`{ sharedWithMe { edges { node { status sharer { email } } } } }`, {}, { token: gina.data!.logIn.token });
      expect(nodes(pending.data!.sharedWithMe)).toEqual([
        { status: 'PENDING', sharer: { email: 'alice@acme.example' } },
      ]);
    } finally {
      await server.close();
    }
  });

  it('is loaded only into an empty database', async () => {
    const server = await startTestServer({ config: { demoData: false } });
    try {
      const login = await server.gql(
        `mutation { logIn(email: "alice@acme.example", password: "${DEMO_PASSWORD}") { token } }`,
      );
      expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await server.close();
    }
  });
});

describe('process', () => {
  it('a malformed variable stops the start with one clear line naming it', async () => {
    const { exit } = startProcess({ PORT: 'eighty', DATA_DIR: mkdtempSync(join(tmpdir(), 'devshare-')) });
    const { code, stderr } = await exit;
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('devshare cannot start: PORT: must be a whole number from 0 to 65535, got "eighty"');
  });

  it('SIGTERM lets an in-flight request finish, then exits 0 well within 10 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devshare-'));
    const started = startProcess({
      PORT: '0',
      DATABASE_URL: `sqlite:${join(dir, 'devshare.sqlite')}`,
      DATA_DIR: dir,
      DEMO_DATA: 'false',
    });
    const port = await started.port;
    const inFlight = fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { signUp(input: { email: "late@example.com", password: "correct horse battery", name: "Late" }) { token } }`,
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const signalled = Date.now();
    started.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { signUp: { token: string } } }).data.signUp.token).toBeTruthy();
    const { code, stdout } = await started.exit;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(stdout).toContain('shutting down');
  }, 60_000);
});
