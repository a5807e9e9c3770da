import { newId } from '../../../src/common/ids';
import { insertNew } from '../../../src/database/database';
import { Device } from '../../../src/modules/device/device.entity';
import { DevicePlan } from '../../../src/modules/device/device-plan';
import { errorCodes, startTestServer, type Session, type TestServer } from '../../support/test-server';
import { StatementCounter } from '../../support/statement-counter';

/**
 * The dashboard queries, one root field each, as deep as a dashboard asks, and as large as the
 * cost limit lets them be (each share here holds 2 devices, so 5 of them is all of them).
 */
const DASHBOARDS = {
  sharedByMe: `{ sharedByMe(first: 500) { edges { node {
    id status recipientEmail degraded recipient { email } sharerEnterprise { name }
    devices(first: 5) { edges { node { status degraded effectivePermissions device { name serialNumber status firmwareVersion configuration group { name } } } } }
  } } } }`,
  shareGraph: `{ shareGraph(first: 500) { edges { node {
    status degraded effectivePermissions device { id name status } share { recipientEmail permissions expiresAt sharer { email } }
  } } } }`,
  shareRecipients: `{ shareRecipients { edges { node { recipientEmail counts { active pending } latestExpiresAt } } } }`,
};

/**
 * No N+1: a dashboard query costs a number of statements bounded by its depth, whatever the
 * number of rows. The same query over a graph of 10 and of 1,000 edges sends the same count.
 */
describe('statements per dashboard query', () => {
  const counter = new StatementCounter();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ queryLogger: counter });
  });
  afterAll(() => server.close());

  /** A sharer whose enterprise shares `perShare` devices with each of two recipients. */
  async function graphOf(perShare: number): Promise<Session> {
    const sharer = await server.signUp('Sharer');
    const created = await server.gql<{ createEnterprise: { id: string } }>(
      `mutation { createEnterprise(input: { name: "Fleet", dataCenter: EU }) { id } }`,
      {},
      { token: sharer.token },
    );
    const enterpriseId = created.data!.createEnterprise.id;
    const now = new Date();
    const ids = await server.app.db.transaction(async (manager) => {
      const made: string[] = [];
      for (let i = 0; i < perShare * 2; i++) {
        const device = await insertNew(manager, Device, {
          id: newId(),
          enterpriseId,
          groupId: null,
          serialNumber: `SC-${enterpriseId.slice(-8)}-${i}`,
          name: `Device ${i}`,
          model: 'M',
          plan: i % 7 === 0 ? DevicePlan.ADVANCED : DevicePlan.STANDARD,
          isDemo: false,
          registeredById: sharer.account.id,
          firmwareVersion: '1.0',
          online: true,
          lastSeenAt: now,
          status: 'OK',
          telemetry: {},
          configuration: {},
          createdAt: now,
          updatedAt: now,
        });
        made.push(device.id);
      }
      return made;
    });
    for (const [index, recipient] of ['a@example.com', 'b@example.com'].entries()) {
      const shared = await server.gql(
        `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id } } }`,
        {
          input: {
            deviceIds: ids.slice(index * perShare, (index + 1) * perShare),
            recipientEmail: recipient,
            permissions: ['MONITOR', 'CONTROL'],
          },
        },
        { token: sharer.token },
      );
      expect(errorCodes(shared)).toEqual([]);
    }
    return sharer;
  }

  async function statementsFor(sharer: Session, query: string): Promise<number> {
    const services = server.app.services;
    // Background work queries the database too: hold it while counting.
    await Promise.all([services.publisher, services.mail, services.expiry, services.pruner].map((loop) => loop.stop()));
    counter.count = 0;
    const response = await server.gql(query, {}, { token: sharer.token });
    const count = counter.count;
    expect(errorCodes(response)).toEqual([]);
    await Promise.all([services.publisher, services.expiry, services.pruner].map((loop) => loop.start()));
    return count;
  }

  it.each(Object.entries(DASHBOARDS))(
    '%s: the same count for a share graph of 10 and of 1,000 edges',
    async (_name, query) => {
      const small = await statementsFor(await graphOf(5), query);
      const large = await statementsFor(await graphOf(500), query);
      expect(large).toBe(small);
      expect(small).toBeLessThan(20);
    },
    60_000,
  );
});
