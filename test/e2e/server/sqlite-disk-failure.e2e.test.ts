import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPostgres } from '../../support/test-database';
import { errorCodes, nodes, startTestServer, TEST_PASSWORD, type TestServer } from '../../support/test-server';

const REGISTER = `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "D", model: "M", plan: STANDARD }) { id } }`;
const DEVICES = `{ devices { edges { node { serialNumber } } } }`;
const diskFull = () => Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });

/**
 * Makes the writing connection's next COMMIT and ROLLBACK fail, as they do when the disk is full
 * (TypeORM's better-sqlite3 driver has one query runner, shared by every caller).
 */
function failNextCommitAndRollback(server: TestServer): Set<string> {
  const runner = server.app.db.dataSource.createQueryRunner();
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  const failing = new Set(['COMMIT', 'ROLLBACK']);
  runner.query = ((sql: string, ...rest: unknown[]) =>
    failing.delete(sql) ? Promise.reject(diskFull()) : query(sql, ...rest)) as typeof runner.query;
  return failing;
}

async function ownerWithEnterprise(server: TestServer) {
  const owner = await server.signUp('Owner');
  await server.gql(
    `mutation { createEnterprise(input: { name: "Disk", dataCenter: EU }) { id } }`,
    {},
    {
      token: owner.token,
    },
  );
  return owner;
}

(onPostgres() ? describe.skip : describe)('SQLite: a failed COMMIT never makes later writes vanish', () => {
  it('after a COMMIT and its ROLLBACK fail, an ordinary refusal and more writes follow, and a restart finds every acknowledged write', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'devshare-ioerr-')), 'devshare.sqlite')}`;
    const server = await startTestServer({ config: { databaseUrl } });
    let restarted: TestServer | undefined;
    try {
      const owner = await ownerWithEnterprise(server);
      const register = (serial: string) =>
        server.gql<{ registerDevice: { id: string } }>(REGISTER, { serial }, { token: owner.token });
      const failing = failNextCommitAndRollback(server);
      expect(errorCodes(await register('LOST-1'))).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(failing.size).toBe(0);
      // An ordinary refusal (it rolls back), then writes that are acknowledged.
      expect(errorCodes(await register('KEPT-1'))).toEqual([]);
      expect(errorCodes(await register('KEPT-1'))).toEqual(['CONFLICT']);
      for (const serial of ['KEPT-2', 'KEPT-3', 'KEPT-4']) expect(errorCodes(await register(serial))).toEqual([]);
      expect((await fetch(server.url.replace('/graphql', '/readyz'))).status).toBe(200);
      await server.app.close();

      restarted = await startTestServer({ config: { databaseUrl } });
      const loggedIn = await restarted.gql<{ logIn: { token: string } }>(
        `mutation ($email: Email!, $password: String!) { logIn(email: $email, password: $password) { token } }`,
        { email: owner.account.email, password: TEST_PASSWORD },
      );
      const devices = await restarted.gql<{ devices: { edges: { node: { serialNumber: string } }[] } }>(
        DEVICES,
        {},
        {
          token: loggedIn.data!.logIn.token,
        },
      );
      expect(nodes(devices.data!.devices).map((device) => device.serialNumber)).toEqual([
        'KEPT-1',
        'KEPT-2',
        'KEPT-3',
        'KEPT-4',
      ]);
    } finally {
      await restarted?.close();
      await server.close();
    }
  });

  it('when the connection cannot leave the failed transaction, /readyz says 503 and writes are refused with SERVICE_UNAVAILABLE, never acknowledged', async () => {
    const server = await startTestServer();
    try {
      const owner = await ownerWithEnterprise(server);
      failNextCommitAndRollback(server);
      // And the connection's own ROLLBACK fails too.
      const connection = (
        server.app.db.dataSource.driver as unknown as { databaseConnection: { exec(sql: string): void } }
      ).databaseConnection;
      connection.exec = () => {
        throw diskFull();
      };
      const register = () => server.gql(REGISTER, { serial: 'S-1' }, { token: owner.token });
      expect(errorCodes(await register())).toEqual(['INTERNAL_SERVER_ERROR']);
      const refused = await register();
      expect(refused.status).toBe(503);
      expect(errorCodes(refused)).toEqual(['SERVICE_UNAVAILABLE']);
      expect((await fetch(server.url.replace('/graphql', '/readyz'))).status).toBe(503);
      // What has committed can still be read.
      expect(errorCodes(await server.gql(DEVICES, {}, { token: owner.token }))).toEqual([]);
    } finally {
      await server.close().catch(() => undefined);
    }
  });
});
