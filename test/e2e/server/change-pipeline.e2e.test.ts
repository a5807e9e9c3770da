import { Changes, type ChangeKind } from '../../../src/context/change';
import { enqueueMail } from '../../../src/modules/mail/mail-outbox';
import { OutboxMessage } from '../../../src/modules/mail/outbox-message.entity';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * The one change pipeline (src/context/change.ts): a change commits in one transaction, and only
 * then runs the after-commit work of the kinds it wrote, and of no other.
 */
describe('the change pipeline', () => {
  let server: TestServer;
  let changes: Changes;
  const woken: ChangeKind[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    changes = new Changes(server.app.db);
    for (const kind of ['mail', 'shareEvent', 'deadline'] as const) changes.afterCommit(kind, () => woken.push(kind));
  });
  afterAll(() => server.close());
  beforeEach(() => (woken.length = 0));

  const context = () => server.app.services.contexts.create({ requestId: 'change-test', clientAddress: 'internal' });
  const queued = () => server.app.db.manager.countBy(OutboxMessage, { to: 'pipeline@example.com' });

  it('a change that queued e-mail wakes the mail sender once it has committed, and nothing else', async () => {
    await changes.run(await context(), async (change) => {
      await enqueueMail(change, 'pipeline@example.com', 'expired', { shareId: 'x' });
      await enqueueMail(change, 'pipeline@example.com', 'expired', { shareId: 'y' });
      expect(woken).toEqual([]);
    });
    expect(woken).toEqual(['mail']);
    expect(await queued()).toBe(2);
  });

  it('a change that writes nothing of a kind wakes nobody', async () => {
    expect(await changes.run(await context(), async () => 'read only')).toBe('read only');
    expect(woken).toEqual([]);
  });

  it('a change that fails keeps nothing it wrote and wakes nobody', async () => {
    const before = await queued();
    await expect(
      changes.run(await context(), async (change) => {
        await enqueueMail(change, 'pipeline@example.com', 'expired', { shareId: 'z' });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(woken).toEqual([]);
    expect(await queued()).toBe(before);
  });
});
