import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../test/support/test-server';
import { round, timedInParallel, type Part, type Row, type Size } from '../bench-kit';
import { benchDatabases } from '../support/bench-databases';

const SHARES: Record<Size, number> = { tiny: 10, default: 500, large: 3_000 };
const RECIPIENTS = 20;
const CONCURRENCY = 8;

const SHARE = `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { shareLink share { id } } }`;
const ACCEPT = `mutation ($input: AcceptShareInput!) { acceptShare(input: $input) { status } }`;
const CANCEL = `mutation ($id: ID!) { cancelShare(shareId: $id) { status } }`;

/** Fails the run on any GraphQL error: a benchmark of failing requests measures nothing. */
function expectNoErrors(response: Parameters<typeof errorCodes>[0], what: string) {
  const codes = errorCodes(response);
  if (codes.length) throw new Error(`${what} failed: ${codes.join(', ')}`);
}

async function measure(server: TestServer, count: number): Promise<Row[]> {
  const sharer = await server.signUp('Sharer');
  await server.gql(
    `mutation { createEnterprise(input: { name: "Bench", dataCenter: EU }) { id } }`,
    {},
    {
      token: sharer.token,
    },
  );
  const recipients: Session[] = [];
  for (let i = 0; i < RECIPIENTS; i++) {
    const recipient = await server.signUp(`Recipient ${i}`);
    await server.gql(
      `mutation { createEnterprise(input: { name: "Home", dataCenter: EU }) { id } }`,
      {},
      {
        token: recipient.token,
      },
    );
    recipients.push(recipient);
  }
  const deviceIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const registered = await server.gql<{ registerDevice: { id: string } }>(
      `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "UPS", model: "M", plan: STANDARD }) { id } }`,
      { serial: `BENCH-${i}` },
      { token: sharer.token },
    );
    expectNoErrors(registered, 'registerDevice');
    deviceIds.push(registered.data!.registerDevice.id);
  }

  const nothing = async () => expectNoErrors(await server.gql(`{ __typename }`), '__typename');
  // A first round warms the JIT and the connections, so that the baseline is not the slowest run.
  await timedInParallel(count, CONCURRENCY, nothing);
  const floor = await timedInParallel(count, CONCURRENCY, nothing);
  const shares: { id: string; token: string }[] = new Array(count);
  const share = await timedInParallel(count, CONCURRENCY, async (i) => {
    const shared = await server.gql<{ shareDevices: { shareLink: string; share: { id: string } } }>(
      SHARE,
      {
        input: {
          deviceIds: [deviceIds[i]],
          recipientEmail: recipients[i % RECIPIENTS].account.email,
          permissions: ['MONITOR', 'CONFIGURE'],
        },
      },
      { token: sharer.token },
    );
    expectNoErrors(shared, 'shareDevices');
    const { shareLink, share: made } = shared.data!.shareDevices;
    shares[i] = { id: made.id, token: new URL(shareLink).searchParams.get('token')! };
  });
  const accept = await timedInParallel(count, CONCURRENCY, async (i) => {
    const accepted = await server.gql(
      ACCEPT,
      { input: { token: shares[i].token } },
      { token: recipients[i % RECIPIENTS].token },
    );
    expectNoErrors(accepted, 'acceptShare');
  });
  const cancel = await timedInParallel(count, CONCURRENCY, async (i) => {
    expectNoErrors(await server.gql(CANCEL, { id: shares[i].id }, { token: sharer.token }), 'cancelShare');
  });
  return [
    { operation: '{ __typename } (baseline)', ...figures(floor), 'x baseline': 1 },
    { operation: 'shareDevices', ...figures(share), 'x baseline': round(floor.perSecond / share.perSecond) },
    { operation: 'acceptShare', ...figures(accept), 'x baseline': round(floor.perSecond / accept.perSecond) },
    { operation: 'cancelShare', ...figures(cancel), 'x baseline': round(floor.perSecond / cancel.perSecond) },
  ];
}

const figures = (timing: { perSecond: number; p50: number; p99: number }) => ({
  'ops/s': round(timing.perSecond),
  'p50 ms': round(timing.p50),
  'p99 ms': round(timing.p99),
});

/**
 * shareDevices, acceptShare and cancelShare through the real HTTP server, on a SQLite file and on
 * PostgreSQL (when reachable), against a request that does nothing on the same server.
 */
export const lifecyclePart: Part = {
  name: 'lifecycle',
  async run(size) {
    const count = SHARES[size];
    const rows: Row[] = [];
    const notes: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'devshare-bench-'));
    try {
      const { databases, skipped } = await benchDatabases(dir);
      notes.push(...skipped);
      for (const [label, fresh] of databases) {
        const server = await startTestServer({ databaseBase: fresh(), config: { redisUrl: undefined } });
        try {
          for (const row of await measure(server, count)) rows.push({ database: label, ...row });
        } finally {
          await server.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    notes.push(
      '"x baseline": how many times slower than a request that does nothing on the same server; each change is one transaction with its share event, audit event and e-mails',
    );
    return {
      part: 'lifecycle',
      workload: `${count} single-device shares to ${RECIPIENTS} recipients, ${CONCURRENCY} clients at once over HTTP: share, accept each, cancel each`,
      rows,
      notes,
    };
  },
};
