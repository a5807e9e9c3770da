import { Changes, fact, type ChangeKind } from '../../../src/context/change';
import { enqueueMail } from '../../../src/modules/mail/mail-outbox';
import { OutboxMessage } from '../../../src/modules/mail/outbox-message.entity';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * The one change pipeline (src/context/change.ts): a change commits in one transaction, and only
 * then runs the after-commit work of the kinds it wrote, and of no other; the reactions to the
 * facts it emits run inside it.
 */
describe('the change pipeline', () => {
  let server: TestServer;
  let changes: Changes;
  const woken: ChangeKind[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    // E-mail goes to the real outbox; this spec writes no audit entries.
    changes = new Changes(server.app.db, { audit: async () => undefined, mail: enqueueMail });
    for (const kind of ['mail', 'shareEvent', 'deadline'] as const) changes.afterCommit(kind, () => woken.push(kind));
  });
  afterAll(() => server.close());
  beforeEach(() => (woken.length = 0));

  const context = () => server.app.services.contexts.create({ requestId: 'change-test', clientAddress: 'internal' });
  const queued = () => server.app.db.manager.countBy(OutboxMessage, { to: 'pipeline@example.com' });

  it('a change that queued e-mail wakes the mail sender once it has committed, and nothing else', async () => {
    await changes.run(await context(), async (change) => {
      await change.mail('pipeline@example.com', 'expired', { shareId: 'x' });
      await change.mail('pipeline@example.com', 'expired', { shareId: 'y' });
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
        await change.mail('pipeline@example.com', 'expired', { shareId: 'z' });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(woken).toEqual([]);
    expect(await queued()).toBe(before);
  });

  const Noticed = fact<{ to: string }>('noticed');

  it('the reactions to a fact run inside the change that emits it, in the order they were registered', async () => {
    const order: string[] = [];
    changes.react(Noticed, async (change, { to }) => {
      order.push('first');
      await change.mail(to, 'expired', { shareId: 'reacted' });
    });
    changes.react(Noticed, async () => void order.push('second'));
    const before = await queued();
    await changes.run(await context(), (change) => change.emit(Noticed, { to: 'pipeline@example.com' }));
    expect(order).toEqual(['first', 'second']);
    // What the reaction wrote committed with the change and woke the mail sender after it.
    expect(await queued()).toBe(before + 1);
    expect(woken).toEqual(['mail']);
  });

  it('a reaction that throws fails the change that emitted the fact, and nothing either wrote stays', async () => {
    const Refused = fact<void>('refused');
    changes.react(Refused, async () => {
      throw new Error('the reaction refuses');
    });
    const before = await queued();
    await expect(
      changes.run(await context(), async (change) => {
        await change.mail('pipeline@example.com', 'expired', { shareId: 'emitter' });
        await change.emit(Refused, undefined);
      }),
    ).rejects.toThrow('the reaction refuses');
    expect(await queued()).toBe(before);
    expect(woken).toEqual([]);
  });
});
