import {
  EVENTS_MAY_BE_LOST,
  InProcessShareEventBus,
  type BusMessage,
  type PublishedShareEvent,
} from '../../src/modules/share/events/share-event-bus';
import { DEFAULT_LIVE_BUFFER, LiveQueue } from '../../src/modules/share/events/share-event.service';

const notices = (from: number, to: number): PublishedShareEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ cursor: String(from + i), shareId: 's' }));

/** Everything the queue holds now, in order; only at the end of a test, as it leaves a `next()` waiting. */
async function held(queue: LiveQueue): Promise<BusMessage[]> {
  const taken: BusMessage[] = [];
  for (;;) {
    // A held message comes from an already resolved promise, so it wins the race against `empty`.
    const next = await Promise.race([queue.next(), Promise.resolve('empty' as const)]);
    if (next === 'empty' || next === null) return taken;
    taken.push(next);
  }
}

describe('LiveQueue: what a subscription holds of the bus, at its default capacity', () => {
  let bus: InProcessShareEventBus;
  let queue: LiveQueue;

  beforeEach(() => {
    bus = new InProcessShareEventBus();
    queue = new LiveQueue(bus, DEFAULT_LIVE_BUFFER);
  });
  afterEach(() => queue.close());

  it('holds 10,000 notices in order, the most a subscriber may fall behind by', async () => {
    expect(DEFAULT_LIVE_BUFFER).toBe(10_000);
    await bus.publish(notices(1, 10_000));
    expect(await held(queue)).toEqual(notices(1, 10_000));
  });

  it('one notice more drops what it holds for EVENTS_MAY_BE_LOST (catch up from the store), and never throws', async () => {
    await expect(bus.publish(notices(1, 10_001))).resolves.toBeUndefined();
    await bus.publish(notices(10_002, 10_003));
    expect(await held(queue)).toEqual([EVENTS_MAY_BE_LOST, ...notices(10_001, 10_003)]);
  });

  it('a commit far past the capacity (25,000 notices at once) leaves at most 10,000 held, and never throws', async () => {
    await expect(bus.publish(notices(1, 25_000))).resolves.toBeUndefined();
    // Overflowing at 10,001 and again at 20,000: what is left is the signal and what followed it.
    expect(await held(queue)).toEqual([EVENTS_MAY_BE_LOST, ...notices(20_000, 25_000)]);
  });
});
