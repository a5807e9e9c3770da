import { randomUUID } from 'node:crypto';
import { Enterprise } from '../../../src/modules/enterprise/enterprise.entity';
import { Membership } from '../../../src/modules/enterprise/membership.entity';
import { nodes, startTestServer, type TestServer } from '../../support/test-server';

const MEMBERSHIPS = `{ me { memberships { edges { node { role enterprise { name } } } } } }`;

describe('isolation: a request reads committed data only', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('a read made while another transaction has written, and then fails late, never sees that write', async () => {
    const member = await server.signUp('Member');
    let fail!: () => void;
    const failLater = new Promise<void>((resolve) => (fail = resolve));
    let written!: () => void;
    const writtenYet = new Promise<void>((resolve) => (written = resolve));
    // A transaction that gives the account a membership, then fails before it commits.
    const failing = server.app.db
      .transaction(async (manager) => {
        const enterpriseId = randomUUID();
        const now = new Date();
        await manager.insert(Enterprise, {
          id: enterpriseId,
          name: 'Never committed',
          dataCenter: 'eu' as never,
          settings: { operatorsCanShare: true, maxRecipientsPerDevice: 5 } as never,
          createdAt: now,
        });
        await manager.insert(Membership, {
          id: randomUUID(),
          enterpriseId,
          accountId: member.account.id,
          role: 'ADMIN' as never,
          createdAt: now,
        });
        written();
        await failLater;
        throw new Error('a late failure');
      })
      .catch((error: Error) => error.message);
    await writtenYet;

    // While it is open, the account reads its memberships, and is answered without waiting for it.
    const answer = await server.gql<{ me: { memberships: { edges: { node: unknown }[] } } }>(
      MEMBERSHIPS,
      {},
      { token: member.token },
    );
    fail();
    expect(await failing).toBe('a late failure');
    expect(answer.errors).toBeUndefined();
    expect(nodes(answer.data!.me.memberships)).toEqual([]);
  });
});
