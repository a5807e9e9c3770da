import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { capturedLogger } from '../../support/captured-logger';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/manual-clock';
import { onPostgres } from '../../support/test-database';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { World } from '../../support/world';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** A sharer who shares one new device at a time, and a recipient with an enterprise in the same data center. */
async function sharing(server: TestServer) {
  const world = new World(server);
  const team = await world.team('Sharer');
  const recipient = await world.person('Recipient');
  /** A new device shared with the recipient (until `expiresAt`), and accepted unless told not to. */
  const share = async (expiresAt: Date | null, accept = true) => {
    const deviceId = await world.device(team, { name: 'UPS', model: 'M' });
    const sent = await world.share(team, recipient, [deviceId], { expiresAt: expiresAt?.toISOString() });
    if (accept) await world.accept(recipient, sent);
    return sent.shareId;
  };
  return { sharer: team.admin, recipient, share };
}

const statusOf = async (server: TestServer, shareId: string): Promise<string> =>
  (await server.app.db.dataSource.query(`SELECT status FROM share WHERE id = '${shareId}'`))[0].status;

const eventsOf = async (server: TestServer, shareId: string): Promise<string[]> =>
  (
    await server.app.db.dataSource.query(`SELECT type FROM share_event WHERE "shareId" = '${shareId}' ORDER BY cursor`)
  ).map((row: { type: string }) => row.type);

describe('share expiry without any request', () => {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  let server: TestServer;
  let sharer: Session;
  let recipient: Session;
  let share: Awaited<ReturnType<typeof sharing>>['share'];

  beforeAll(async () => {
    // Long retention: these tests move the clock by weeks and read the events afterwards.
    server = await startTestServer({
      clock,
      config: { jwtTtlSeconds: 365 * 24 * 3600, shareEventRetentionDays: 3650 },
    });
    ({ sharer, recipient, share } = await sharing(server));
  });
  afterAll(() => server.close());

  it('an ACTIVE share becomes EXPIRED within one second of expiresAt, with its event and e-mails', async () => {
    const shareId = await share(new Date(clock.now().getTime() + 2 * DAY));
    clock.advance(2 * DAY - 1000);
    // A day before expiry the "expiring soon" notice goes out; let it, before moving on.
    await eventually(async () => ((await eventsOf(server, shareId)).includes('EXPIRING_SOON') ? true : undefined));
    expect(await statusOf(server, shareId)).toBe('ACTIVE');
    const started = Date.now();
    clock.advance(1000);
    await eventually(async () => ((await statusOf(server, shareId)) === 'EXPIRED' ? true : undefined));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await eventsOf(server, shareId)).toEqual(['CREATED', 'ACCEPTED', 'EXPIRING_SOON', 'EXPIRED']);
    const devices = await server.app.db.dataSource.query(
      `SELECT status FROM shared_device WHERE "shareId" = '${shareId}'`,
    );
    expect(devices).toEqual([{ status: 'EXPIRED' }]);
    const mails = await server.app.db.dataSource.query(
      `SELECT "to", template FROM outbox_message WHERE template = 'expired' AND payload LIKE '%${shareId}%' ORDER BY "to"`,
    );
    expect(mails.map((mail: { to: string }) => mail.to).sort()).toEqual(
      [recipient.account.email, sharer.account.email].sort(),
    );
  });

  it('"expiring soon" goes out once, to both sides, 24 h before expiresAt', async () => {
    const shareId = await share(new Date(clock.now().getTime() + 3 * DAY));
    clock.advance(2 * DAY - 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await eventsOf(server, shareId)).toEqual(['CREATED', 'ACCEPTED']);
    clock.advance(2000);
    await eventually(async () => ((await eventsOf(server, shareId)).includes('EXPIRING_SOON') ? true : undefined));
    clock.advance(HOUR);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await eventsOf(server, shareId)).toEqual(['CREATED', 'ACCEPTED', 'EXPIRING_SOON']);
    const warnings = await server.app.db.dataSource.query(
      `SELECT "to" FROM outbox_message WHERE template = 'expiring_soon' AND payload LIKE '%${shareId}%'`,
    );
    expect(warnings).toHaveLength(2);
    clock.advance(DAY);
  });

  it('a PENDING share becomes EXPIRED when its invitation deadline (7 days) passes', async () => {
    const shareId = await share(null, false);
    clock.advance(7 * DAY + 1);
    await eventually(async () => ((await statusOf(server, shareId)) === 'EXPIRED' ? true : undefined));
    expect(await eventsOf(server, shareId)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('extending a share moves its expiry: it does not expire at the old time', async () => {
    const shareId = await share(new Date(clock.now().getTime() + 2 * DAY));
    const extended = await server.gql(
      `mutation ($id: ID!) { extendShare(input: { shareId: $id, byDays: 10 }) { expiresAt } }`,
      { id: shareId },
      { token: sharer.token },
    );
    expect(errorCodes(extended)).toEqual([]);
    clock.advance(3 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await statusOf(server, shareId)).toBe('ACTIVE');
  });
});

/** What /readyz answers while the start-up expiry catch-up has not succeeded yet. */
const CATCHING_UP = {
  status: 503,
  body: {
    status: 'unavailable',
    database: 'up',
    expiry: 'catching up',
    ...(process.env.REDIS_URL && { redis: 'up' }),
  },
};

/**
 * A server that made a share expiring in a day (then ran `beforeStop`) and stopped, its database
 * kept (a PostgreSQL test database is dropped by close(), so only the app closes), and the clock
 * two days on: the share fell due while no server ran.
 */
async function stoppedWithOverdueShare(beforeStop: (server: TestServer) => Promise<void> = async () => {}) {
  const clock = new ManualClock('2026-11-24T12:00:00Z');
  const databaseUrl = onPostgres()
    ? undefined
    : `sqlite:${join(mkdtempSync(join(tmpdir(), 'devshare-expiry-')), 'devshare.sqlite')}`;
  const first = await startTestServer({
    clock,
    config: { jwtTtlSeconds: 365 * 24 * 3600, ...(databaseUrl && { databaseUrl }) },
  });
  const { share } = await sharing(first);
  const shareId = await share(new Date(clock.now().getTime() + DAY));
  await beforeStop(first);
  await first.app.close();
  clock.advance(2 * DAY);
  const sameDatabase = databaseUrl ?? (first.app.db.dataSource.options as { url: string }).url;
  return { clock, first, shareId, sameDatabase };
}

describe('share expiry across a restart', () => {
  it('on start, the server expires what fell due while it was down', async () => {
    const { clock, first, shareId, sameDatabase } = await stoppedWithOverdueShare();
    const second = await startTestServer({ clock, config: { databaseUrl: sameDatabase } });
    try {
      expect((await readiness(second)).status).toBe(200);
      expect(await statusOf(second, shareId)).toBe('EXPIRED');
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('a start-up catch-up that fails leaves the server listening but not ready, until a retry succeeds', async () => {
    const { clock, first, shareId, sameDatabase } = await stoppedWithOverdueShare((server) =>
      refuseShareUpdates(server.app.db.dataSource, true),
    );
    const { logger, lines } = capturedLogger();
    const second = await startTestServer({
      clock,
      logger,
      config: { databaseUrl: sameDatabase },
      waitUntilCaughtUp: false,
    });
    try {
      await eventually(() => (lines.some((line) => line.msg === 'share expiry failed; retrying') ? true : undefined));
      expect(await readiness(second)).toEqual(CATCHING_UP);
      expect((await second.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      expect(await statusOf(second, shareId)).toBe('ACTIVE');
      await refuseShareUpdates(second.app.db.dataSource, false);
      await eventually(async () => ((await readiness(second)).status === 200 ? true : undefined), 10_000);
      expect(await statusOf(second, shareId)).toBe('EXPIRED');
    } finally {
      await second.close();
      await first.close();
    }
  });

  (onPostgres() ? it : it.skip)(
    'the server listens before it has caught up, and reports not ready until it has (PostgreSQL)',
    async () => {
      const { clock, first, shareId, sameDatabase: url } = await stoppedWithOverdueShare();
      // Another session holds the share table, so the catch-up cannot claim the overdue share yet.
      const blocker = new Client({ connectionString: url });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE share IN EXCLUSIVE MODE');
      const second = await startTestServer({ clock, config: { databaseUrl: url }, waitUntilCaughtUp: false });
      try {
        expect(await readiness(second)).toEqual(CATCHING_UP);
        expect((await second.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
        await blocker.query('COMMIT');
        await eventually(async () => ((await readiness(second)).status === 200 ? true : undefined), 10_000);
        expect(await statusOf(second, shareId)).toBe('EXPIRED');
      } finally {
        await blocker.end();
        await second.close();
        await first.close();
      }
    },
  );
});

async function readiness(server: TestServer) {
  const response = await fetch(server.url.replace('/graphql', '/readyz'));
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Makes the database fail (or no longer fail) every UPDATE of a share, as a fault would. */
async function refuseShareUpdates(dataSource: DataSource, refuse: boolean): Promise<void> {
  const postgres = dataSource.options.type === 'postgres';
  if (!refuse) {
    await dataSource.query(`DROP TRIGGER refuse_share_updates${postgres ? ' ON share' : ''}`);
  } else if (postgres) {
    await dataSource.query(
      `CREATE FUNCTION refuse_share_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$`,
    );
    await dataSource.query(
      `CREATE TRIGGER refuse_share_updates BEFORE UPDATE ON share FOR EACH ROW EXECUTE FUNCTION refuse_share_updates()`,
    );
  } else {
    await dataSource.query(
      `CREATE TRIGGER refuse_share_updates BEFORE UPDATE ON share BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
    );
  }
}
