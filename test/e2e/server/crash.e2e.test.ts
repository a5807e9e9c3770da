import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../support/eventually';
import { startProcess } from '../../support/server-process';
import { createTestDatabase, onPostgres } from '../../support/test-database';
import { graphqlClient, type Session } from '../../support/test-server';

/*
 * kill -9 in the middle of a burst of changes (issue 12): after a restart on the same database,
 * every change the server acknowledged is there, and a subscriber that resumes with its last
 * cursor has every stored event exactly once, in order. On a SQLite file with `npm test`, on
 * PostgreSQL + Redis with `npm run test:postgres`.
 */

const SHARE = `mutation ($id: ID!, $email: Email!) {
  shareDevices(input: { deviceIds: [$id], recipientEmail: $email, permissions: [MONITOR] }) { share { id } }
}`;
const WATCH = `subscription ($after: String) { shareStatusChanged(after: $after) { cursor } }`;
const DEVICES = 120;
const KILL_AFTER = 40;

/** Runs `work` over `items` with at most `width` in flight. */
async function inParallel<T>(items: T[], width: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

/** Every cursor a subscription sends, as numbers, in the order they arrive. */
function watch(client: ReturnType<typeof graphqlClient>, session: Session, after?: string) {
  const cursors: number[] = [];
  client.wsClient({ authorization: `Bearer ${session.token}` }).subscribe<{ shareStatusChanged: { cursor: string } }>(
    { query: WATCH, variables: { after } },
    {
      next: (result) => {
        if (result.data) cursors.push(Number(result.data.shareStatusChanged.cursor));
      },
      error: () => {}, // the first server dies under it
      complete: () => {},
    },
  );
  return cursors;
}

describe('kill -9 in the middle of a burst', () => {
  it('keeps every acknowledged share, and a resumed subscriber gets every stored event once, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devshare-crash-'));
    const database = onPostgres()
      ? await createTestDatabase()
      : { url: `sqlite:${join(dir, 'devshare.sqlite')}`, drop: async () => {} };
    const env = {
      PORT: '0',
      DATABASE_URL: database.url,
      DATA_DIR: dir,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      DEMO_DATA: 'false',
      PASSWORD_HASH_LOG2_COST: '10',
      ...(process.env.REDIS_URL && {
        REDIS_URL: process.env.REDIS_URL,
        REDIS_CHANNEL: `devshare:test:${randomBytes(6).toString('hex')}`,
      }),
    };
    const first = startProcess(env);
    const before = graphqlClient(`http://127.0.0.1:${await first.port}/graphql`);
    let after: ReturnType<typeof graphqlClient> | undefined;
    let second: ReturnType<typeof startProcess> | undefined;
    try {
      const sharer = await before.signUp('Sharer');
      await before.gql(
        `mutation { createEnterprise(input: { name: "Crash", dataCenter: EU }) { id } }`,
        {},
        {
          token: sharer.token,
        },
      );
      const deviceIds: string[] = [];
      for (let i = 0; i < DEVICES; i++) {
        const registered = await before.gql<{ registerDevice: { id: string } }>(
          `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "D", model: "M", plan: STANDARD }) { id } }`,
          { serial: `CRASH-${i}` },
          { token: sharer.token },
        );
        deviceIds.push(registered.data!.registerDevice.id);
      }
      // From the start of the store, so that the first share's event comes whenever the socket is up.
      const seen = watch(before, sharer, '0');
      const share = (deviceId: string, index: number) =>
        before.gql<{ shareDevices: { share: { id: string } } }>(
          SHARE,
          { id: deviceId, email: `crash${index}@example.com` },
          { token: sharer.token },
        );
      const acknowledged = [(await share(deviceIds[0], 0)).data!.shareDevices.share.id];
      await eventually(() => (seen.length === 1 ? true : undefined), 10_000); // the subscription is live

      let killed = false;
      await inParallel(deviceIds.slice(1), 8, async (deviceId, index) => {
        if (killed) return;
        const answer = await share(deviceId, index + 1).catch(() => undefined); // the server may be gone
        const id = answer?.data?.shareDevices?.share.id;
        if (id) acknowledged.push(id);
        if (acknowledged.length >= KILL_AFTER && !killed) {
          killed = true;
          first.kill('SIGKILL');
        }
      });
      expect((await first.exit).code).toBeNull(); // killed, not exited
      await before.dispose();

      second = startProcess(env);
      after = graphqlClient(`http://127.0.0.1:${await second.port}/graphql`);
      const stored = await after.gql<{ sharedByMe: { edges: { node: { id: string } }[] } }>(
        `{ sharedByMe(first: 500) { edges { node { id } } } }`,
        {},
        { token: sharer.token },
      );
      const storedIds = new Set(stored.data!.sharedByMe.edges.map((edge) => edge.node.id));
      expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);

      const history = await after.gql<{ shareEvents: { edges: { cursor: string }[] } }>(
        `{ shareEvents(first: 500) { edges { cursor } } }`,
        {},
        { token: sharer.token },
      );
      const storedCursors = history.data!.shareEvents.edges.map((edge) => Number(edge.cursor));
      // One CREATED event per stored share: nothing half-written.
      expect(storedCursors).toHaveLength(storedIds.size);
      const resumed = watch(after, sharer, seen.length ? String(seen[seen.length - 1]) : undefined);
      await eventually(() => (seen.length + resumed.length >= storedCursors.length ? true : undefined), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...seen, ...resumed]).toEqual(storedCursors);
    } finally {
      await after?.dispose();
      second?.kill('SIGTERM');
      await second?.exit;
      first.kill('SIGKILL');
      await database.drop();
    }
  }, 180_000);
});
