import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client as PgClient } from 'pg';
import { gqlFrom } from '../../support/from-address';
import { startProcess, type Started } from '../../support/server-process';
import { createTestDatabase, onPostgres, type TestDatabase } from '../../support/test-database';
import { errorCodes, graphqlClient, TEST_PASSWORD, type Session } from '../../support/test-server';
import { startSmtp } from '../../support/test-smtp';

/*
 * Several real server processes on one PostgreSQL database and one Redis (issue #6): share events
 * cross instances in order and once, work that must happen once happens once, and the sharing
 * invariants hold whichever instance a request lands on. Runs with `npm run test:postgres`.
 */

const REDIS_URL = process.env.REDIS_URL;
const describeOnPostgresAndRedis = onPostgres() && REDIS_URL ? describe : describe.skip;

const SHARE = `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { shareLink share { id } } }`;
const ACCEPT = `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`;
const CANCEL = `mutation ($id: ID!) { cancelShare(shareId: $id) { status } }`;
const STATUS_CHANGED = `subscription ($after: String) { shareStatusChanged(after: $after) { cursor type shareId } }`;

interface Instance {
  name: string;
  client: ReturnType<typeof graphqlClient>;
  process: Started;
}

interface Seen {
  cursor: string;
  type: string;
  shareId: string;
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most `width` in flight. */
async function inParallel<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

describeOnPostgresAndRedis('several instances on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let instances: Instance[];
  let channel: string;
  /** Every message on the instances' Redis channel, as an outside observer sees it. */
  const onTheWire: string[] = [];
  let observer: Redis;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtp();
    channel = `devshare:test:${randomBytes(6).toString('hex')}`;
    observer = new Redis(REDIS_URL!);
    observer.on('message', (_channel: string, message: string) =>
      onTheWire.push((JSON.parse(message) as { cursor: string }).cursor),
    );
    await observer.subscribe(channel);
    const shared = {
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_URL!,
      REDIS_CHANNEL: channel,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      SMTP_URL: smtp.url,
      DEMO_DATA: 'false',
      // Every request of the test comes from 127.0.0.1; the logIn case sets out from these budgets.
      PASSWORD_HASH_LOG2_COST: '10',
      SIGNUPS_PER_ADDRESS: '10000',
      LOGIN_FAILURES_BEFORE_DELAY: '5',
    };
    // Started together on an empty database: they take turns to migrate it.
    const processes = ['A', 'B', 'C'].map((name) =>
      startProcess({ ...shared, DATA_DIR: mkdtempSync(join(tmpdir(), `devshare-${name}-`)) }),
    );
    const ports = await Promise.all(processes.map((started) => started.port));
    instances = ports.map((port, i) => ({
      name: 'ABC'[i],
      // Accounts are verified with the token of the mail the instances sent to the test's SMTP server.
      client: graphqlClient(`http://127.0.0.1:${port}/graphql`, {
        verificationToken: ({ email }) => smtp.verificationToken(email),
      }),
      process: processes[i],
    }));
  }, 90_000);

  afterAll(async () => {
    for (const instance of instances ?? []) {
      await instance.client.dispose();
      instance.process.kill('SIGTERM');
      await instance.process.exit;
    }
    await observer?.quit();
    await smtp?.close();
    await database?.drop();
  }, 30_000);

  afterEach(() => {
    // Publishing happens once: no instance put a cursor on the channel that another already had.
    expect(onTheWire.length).toBe(new Set(onTheWire).size);
  });

  const [A, B, C] = [0, 1, 2].map((i) => () => instances[i].client);

  /** A sharer (signed up on B) with an enterprise, and a way to register devices. */
  async function sharerWithDevices(count: number) {
    const sharer = await B().signUp('Sharer');
    await B().gql(
      `mutation { createEnterprise(input: { name: "Acme", dataCenter: EU }) { id } }`,
      {},
      {
        token: sharer.token,
      },
    );
    const deviceIds = await inParallel(Array.from({ length: count }), 8, async (_, i) => {
      const registered = await instances[i % 3].client.gql<{ registerDevice: { id: string } }>(
        `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "UPS", model: "M", plan: STANDARD }) { id } }`,
        { serial: `MI-${randomBytes(6).toString('hex')}` },
        { token: sharer.token },
      );
      expect(errorCodes(registered)).toEqual([]);
      return registered.data!.registerDevice.id;
    });
    return { sharer, deviceIds };
  }

  async function recipientWithEnterprise(): Promise<Session> {
    const recipient = await C().signUp('Recipient');
    await C().gql(
      `mutation { createEnterprise(input: { name: "Home", dataCenter: EU }) { id } }`,
      {},
      {
        token: recipient.token,
      },
    );
    return recipient;
  }

  /** Collects what a subscription on `client` delivers. */
  function watch(client: Instance['client'], session: Session, after: string) {
    const seen: Seen[] = [];
    const errors: unknown[] = [];
    const ws = client.wsClient({ authorization: `Bearer ${session.token}` });
    const stop = ws.subscribe<{ shareStatusChanged: Seen }>(
      { query: STATUS_CHANGED, variables: { after } },
      {
        next: (result) => (result.data ? seen.push(result.data.shareStatusChanged) : errors.push(result.errors)),
        error: (error) => errors.push(error),
        complete: () => {},
      },
    );
    return { seen, errors, stop: () => (stop(), ws.dispose()) };
  }

  const share = async (sharer: Session, deviceIds: string[], recipientEmail: string, expiresAt?: Date) => {
    const shared = await B().gql<{ shareDevices: { shareLink: string; share: { id: string } } }>(
      SHARE,
      { input: { deviceIds, recipientEmail, permissions: ['MONITOR'], expiresAt: expiresAt?.toISOString() } },
      { token: sharer.token },
    );
    expect(errorCodes(shared)).toEqual([]);
    return {
      id: shared.data!.shareDevices.share.id,
      token: new URL(shared.data!.shareDevices.shareLink).searchParams.get('token')!,
    };
  };

  it('a subscriber on A receives, in order and once, the changes made on B and C and an expiry fired by any instance', async () => {
    const { sharer, deviceIds } = await sharerWithDevices(3);
    const recipient = await recipientWithEnterprise();
    const subscription = watch(A(), sharer, '0');

    const accepted = await share(sharer, [deviceIds[0]], recipient.account.email);
    const cancelled = await share(sharer, [deviceIds[1]], recipient.account.email);
    const expiring = await share(sharer, [deviceIds[2]], recipient.account.email, new Date(Date.now() + 3_000));
    expect(errorCodes(await C().gql(ACCEPT, { input: { token: accepted.token } }, { token: recipient.token }))).toEqual(
      [],
    );
    expect(errorCodes(await B().gql(CANCEL, { id: cancelled.id }, { token: sharer.token }))).toEqual([]);

    const expired = await eventually(() => subscription.seen.find((event) => event.type === 'EXPIRED'));
    expect(expired.shareId).toBe(expiring.id);
    await pause(1_000);
    const { seen, errors } = subscription;
    subscription.stop();
    expect(errors).toEqual([]);
    const cursors = seen.map((event) => Number(event.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(cursors.length);
    const of = (id: string) => seen.filter((event) => event.shareId === id).map((event) => event.type);
    expect(of(accepted.id)).toEqual(['CREATED', 'ACCEPTED']);
    expect(of(cancelled.id)).toEqual(['CREATED', 'CANCELLED']);
    expect(of(expiring.id)).toEqual(['CREATED', 'EXPIRING_SOON', 'EXPIRED']);
  }, 60_000);

  it('a client that reconnects to another instance with `after` misses nothing and sees nothing twice', async () => {
    const { sharer, deviceIds } = await sharerWithDevices(6);
    const first = watch(A(), sharer, '0');
    const before = await share(sharer, [deviceIds[0]], 'reconnect@example.com');
    const last = await eventually(() => first.seen.find((event) => event.shareId === before.id));
    first.stop();

    const whileAway = [];
    for (const deviceId of deviceIds.slice(1)) whileAway.push(await share(sharer, [deviceId], 'reconnect@example.com'));
    const second = watch(C(), sharer, last.cursor);
    const after = await share(sharer, [deviceIds[0]], 'reconnect-too@example.com');
    await eventually(() => second.seen.find((event) => event.shareId === after.id));
    await pause(500);
    second.stop();
    expect(second.errors).toEqual([]);
    expect(second.seen.map((event) => event.shareId)).toEqual([...whileAway.map((made) => made.id), after.id]);
    expect(second.seen.every((event) => Number(event.cursor) > Number(last.cursor))).toBe(true);
  }, 60_000);

  it('three instances, 200 shares expiring in the same second: exactly 200 EXPIRED events, 200 notices and 200 expiry e-mails to each side', async () => {
    const SHARES = 200;
    const { sharer, deviceIds } = await sharerWithDevices(SHARES);
    const recipientEmail = `expiring-${randomBytes(4).toString('hex')}@example.com`;
    const expiresAt = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000);
    const subscription = watch(A(), sharer, '0');
    const shares = await inParallel(deviceIds, 8, (deviceId, i) =>
      instances[i % 3].client
        .gql<{ shareDevices: { share: { id: string } } }>(
          SHARE,
          {
            input: {
              deviceIds: [deviceId],
              recipientEmail,
              permissions: ['MONITOR'],
              expiresAt: expiresAt.toISOString(),
            },
          },
          { token: sharer.token },
        )
        .then((shared) => {
          expect(errorCodes(shared)).toEqual([]);
          return shared.data!.shareDevices.share.id;
        }),
    );
    // Otherwise the shares would not all be due at the same second.
    expect(Date.now()).toBeLessThan(expiresAt.getTime());

    const expired = () => subscription.seen.filter((event) => event.type === 'EXPIRED');
    await eventually(() => (expired().length >= SHARES ? true : undefined), 60_000);
    const mails = (subject: string) => (to: string) =>
      smtp.received.filter((mail) => mail.to === to && mail.subject === subject);
    const expiryMails = mails('A device share has expired');
    const noticeMails = mails('A device share expires soon');
    const sides = [recipientEmail, sharer.account.email];
    await eventually(
      () => sides.every((to) => expiryMails(to).length >= SHARES && noticeMails(to).length >= SHARES) || undefined,
      60_000,
    );
    await pause(2_000);
    subscription.stop();

    expect(subscription.errors).toEqual([]);
    expect(expired()).toHaveLength(SHARES);
    expect(new Set(expired().map((event) => event.shareId))).toEqual(new Set(shares));
    // Each share was also due for its "expiring soon" notice, once, on whichever instance.
    const warned = subscription.seen.filter((event) => event.type === 'EXPIRING_SOON');
    expect(new Set(warned.map((event) => event.shareId))).toEqual(new Set(shares));
    expect(warned).toHaveLength(SHARES);
    for (const to of sides) {
      expect(expiryMails(to)).toHaveLength(SHARES);
      expect(noticeMails(to)).toHaveLength(SHARES);
    }
    const pg = new PgClient({ connectionString: database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ events: string }>(
        `SELECT COUNT(*) AS events FROM share_event WHERE type = 'EXPIRED' AND "shareId" = ANY($1)`,
        [shares],
      );
      expect(Number(rows[0].events)).toBe(SHARES);
    } finally {
      await pg.end();
    }
  }, 180_000);

  it('the 5-recipient limit holds when the shares of one device arrive at all three instances at once', async () => {
    const { sharer, deviceIds } = await sharerWithDevices(1);
    const attempts = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        instances[i % 3].client.gql(
          SHARE,
          { input: { deviceIds, recipientEmail: `limit${i}@example.com`, permissions: ['MONITOR'] } },
          { token: sharer.token },
        ),
      ),
    );
    const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(5);
    expect(codes.filter((code) => code === 'SHARE_LIMIT_REACHED')).toHaveLength(10);
  }, 60_000);

  it('accept racing cancel on two instances ends in one consistent state: cancelled, its devices too', async () => {
    const { sharer, deviceIds } = await sharerWithDevices(10);
    const recipient = await recipientWithEnterprise();
    for (const deviceId of deviceIds) {
      const made = await share(sharer, [deviceId], recipient.account.email);
      const [accepted, cancelled] = await Promise.all([
        C().gql(ACCEPT, { input: { token: made.token } }, { token: recipient.token }),
        A().gql(CANCEL, { id: made.id }, { token: sharer.token }),
      ]);
      expect(errorCodes(cancelled)).toEqual([]);
      expect(['OK', 'SHARE_NOT_PENDING']).toContain(errorCodes(accepted)[0] ?? 'OK');
      const outcome = await B().gql<{ share: { status: string; devices: { edges: { node: { status: string } }[] } } }>(
        `query ($id: ID!) { share(id: $id) { status devices(first: 10) { edges { node { status } } } } }`,
        { id: made.id },
        { token: sharer.token },
      );
      expect(outcome.data!.share.status).toBe('CANCELLED');
      expect(outcome.data!.share.devices.edges.map((edge) => edge.node.status)).toEqual(['CANCELLED']);
    }
  }, 60_000);
  it('failed logIns count across instances: after 5 from one address spread over A, B and C, that address waits on each, and the owner logs in from another', async () => {
    const target = await A().signUp('Target');
    const LOG_IN = `mutation ($email: Email!, $password: String!) { logIn(email: $email, password: $password) { token } }`;
    for (let i = 0; i < 5; i++) {
      const failed = await instances[i % 3].client.gql(LOG_IN, {
        email: target.account.email,
        password: 'wrong guess',
      });
      expect(errorCodes(failed)).toEqual(['UNAUTHENTICATED']);
    }
    for (const instance of instances) {
      const waiting = await instance.client.gql(LOG_IN, { email: target.account.email, password: TEST_PASSWORD });
      expect(errorCodes(waiting)).toEqual(['RATE_LIMITED']);
      const fromElsewhere = await gqlFrom(
        '127.0.0.2',
        `http://127.0.0.1:${await instance.process.port}/graphql`,
        LOG_IN,
        {
          email: target.account.email,
          password: TEST_PASSWORD,
        },
      );
      expect(errorCodes(fromElsewhere)).toEqual([]);
    }
  });
});
