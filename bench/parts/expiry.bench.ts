import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertShares } from '../../test/support/bulk-shares';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import { round, type Part, type Row, type Size } from '../bench-kit';
import { benchDatabases } from '../support/bench-databases';

const SCALE: Record<Size, { expiring: number; total: number }> = {
  tiny: { expiring: 20, total: 200 },
  default: { expiring: 1_000, total: 100_000 },
  large: { expiring: 5_000, total: 500_000 },
};
const DAY = 24 * 3600 * 1000;

/**
 * Writes `total` ACTIVE shares straight into the database (the API would take minutes): `expiring`
 * of them expire at `at`, the others at spread times 2 to 30 days ahead. The expiring ones already
 * had their "expiring soon" notice, so that the sweep only expires.
 */
async function seed(server: TestServer, expiring: number, total: number, at: Date) {
  const sharer = await server.signUp('Sharer');
  const created = await server.gql<{ createEnterprise: { id: string } }>(
    `mutation { createEnterprise(input: { name: "Expiry", dataCenter: EU }) { id } }`,
    {},
    { token: sharer.token },
  );
  const now = new Date();
  await insertShares(server, {
    sharer,
    enterpriseId: created.data!.createEnterprise.id,
    count: total,
    recipientEmail: (i) => `recipient${i % 1_000}@example.com`,
    shape: (i) =>
      i < expiring
        ? { expiresAt: at, expiryWarnedAt: now }
        : { expiresAt: new Date(now.getTime() + 2 * DAY + ((i * 7_919) % (28 * DAY))) },
  });
  return sharer;
}

/** Seeds, subscribes as the sharer, and times the EXPIRED events from `expiresAt` on. */
async function measure(databaseBase: string, expiring: number, total: number): Promise<Row> {
  const server = await startTestServer({ databaseBase, config: { redisUrl: undefined } });
  try {
    // Far enough ahead for the seeding to finish first.
    const at = new Date(Math.ceil((Date.now() + 1_500 + total / 4) / 1000) * 1000);
    const sharer = await seed(server, expiring, total, at);
    if (Date.now() >= at.getTime()) throw new Error('seeding took longer than planned: the shares expired meanwhile');
    const received: number[] = [];
    let allExpired: () => void = () => {};
    const done = new Promise<void>((resolve) => (allExpired = resolve));
    const client = server.wsClient({ authorization: `Bearer ${sharer.token}` });
    client.subscribe<{ shareStatusChanged: { type: string } }>(
      { query: `subscription { shareStatusChanged { type } }` },
      {
        next: (result) => {
          if (result.data?.shareStatusChanged.type !== 'EXPIRED') return;
          received.push(Date.now());
          if (received.length === expiring) allExpired();
        },
        error: () => {},
        complete: () => {},
      },
    );
    // Rows written behind the service's back: tell the scheduler to look at the deadlines again.
    server.app.services.expiry.wake();
    const timeout = setTimeout(() => allExpired(), 120_000 + expiring * 100);
    await done;
    clearTimeout(timeout);
    if (received.length < expiring) throw new Error(`only ${received.length} of ${expiring} EXPIRED events arrived`);
    const first = received[0] - at.getTime();
    const last = received[received.length - 1] - at.getTime();
    return {
      shares: total,
      expiring,
      'first EXPIRED ms': first,
      'last EXPIRED ms': last,
      // Over the whole stretch from expiresAt: deliveries may arrive in one burst at the end.
      'expiries/s': round(expiring / Math.max(last / 1000, 0.001)),
    };
  } finally {
    await server.close();
  }
}

/**
 * Shares expiring in the same second, among many that do not: from `expiresAt` to the last EXPIRED
 * event at a subscriber. Baseline: the same expiring shares alone in the table.
 */
export const expiryPart: Part = {
  name: 'expiry',
  async run(size) {
    const { expiring, total } = SCALE[size];
    const dir = mkdtempSync(join(tmpdir(), 'devshare-bench-'));
    const rows: Row[] = [];
    const notes: string[] = [];
    try {
      const { databases, skipped } = await benchDatabases(dir);
      notes.push(...skipped);
      for (const [label, fresh] of databases) {
        const alone = await measure(fresh(), expiring, expiring);
        const among = await measure(fresh(), expiring, total);
        rows.push({ database: label, case: 'alone (baseline)', ...alone });
        rows.push({
          database: label,
          case: `among ${total}`,
          ...among,
          'x baseline': round((among['last EXPIRED ms'] as number) / (alone['last EXPIRED ms'] as number), 2),
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    notes.push(
      'the sweep claims due shares through the (status, expiresAt) index, one per transaction: "x baseline" near 1 means the shares that do not expire cost it nothing',
    );
    return {
      part: 'expiry',
      workload: `${expiring} ACTIVE shares expiring in the same second, alone and among ${total} shares (the rest expire 2-30 days later); one subscriber counts the EXPIRED events`,
      rows,
      notes,
    };
  },
};
