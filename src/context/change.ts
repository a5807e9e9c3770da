import type { EntityManager } from 'typeorm';
import type { Database } from '../database/database';
import type { RequestContext } from './request-context';

/**
 * What a change may write that some work waits for once it has committed: e-mail to send (the
 * mail sender), share events to publish (the publisher), share deadlines that may have moved
 * (the expiry scheduler).
 */
export type ChangeKind = 'mail' | 'shareEvent' | 'deadline';

/**
 * A kind of fact that a module tells about its changes (e.g. `DeviceDeleted`, in
 * modules/device/device-facts.ts) without knowing who reacts: made once with `fact`, told with
 * `change.emit`, reacted to by whatever composition.ts registers with `Changes.react`.
 */
export interface Fact<Payload> {
  readonly name: string;
  /** Never set: it only carries the payload's type. */
  readonly payload?: Payload;
}

/** A new kind of fact, named for logs and errors. */
export function fact<Payload>(name: string): Fact<Payload> {
  return { name };
}

/**
 * What another module does when a fact is told: inside the change that tells it, so that what it
 * writes commits or rolls back with that change (and wakes its after-commit work like any write).
 * A reaction that throws fails the change.
 */
export type Reaction<Payload> = (change: Change, payload: Payload) => Promise<void>;

/**
 * One change to the data: its transaction, who makes it (`ctx`) and when (`now`, read once, so
 * that everything the change writes carries the same instant). Services write through `manager`
 * and say what they wrote for after the commit with `wrote` (the audit log, enqueueMail and
 * recordShareEvent take the change and do it themselves); they tell other modules what happened
 * with `emit`. A Change lives as long as its transaction: never keep one past `Changes.run`.
 */
export class Change {
  private readonly kinds = new Set<ChangeKind>();

  constructor(
    readonly manager: EntityManager,
    readonly ctx: RequestContext,
    readonly now: Date,
    private readonly reactions: ReadonlyMap<Fact<unknown>, readonly Reaction<unknown>[]> = new Map(),
  ) {}

  /** Tells `fact`: every reaction registered for it runs now, one after the other, in this change. */
  async emit<Payload>(fact: Fact<Payload>, payload: Payload): Promise<void> {
    for (const react of this.reactions.get(fact) ?? []) await react(this, payload);
  }

  /** Something of `kind` was written: its after-commit work runs once the change has committed. */
  wrote(kind: ChangeKind): void {
    this.kinds.add(kind);
  }

  /** The kinds written so far. */
  get written(): ReadonlySet<ChangeKind> {
    return this.kinds;
  }
}

/**
 * The one change pipeline: every change runs through `run`, in one transaction, and once it has
 * committed, the after-commit work of each kind it wrote runs (a change that wrote no e-mail
 * wakes no mail sender). A change that fails runs none. After-commit work must not throw: it
 * wakes loops, which do their own work later.
 */
export class Changes {
  private readonly hooks = new Map<ChangeKind, (() => void)[]>();
  private readonly reactions = new Map<Fact<unknown>, Reaction<unknown>[]>();

  constructor(private readonly db: Database) {}

  /** Runs `work` as one change made by `ctx`; everything it writes commits together or not at all. */
  async run<T>(ctx: RequestContext, work: (change: Change) => Promise<T>): Promise<T> {
    let change: Change | undefined;
    const result = await this.db.transaction((manager) => {
      change = new Change(manager, ctx, ctx.clock.now(), this.reactions);
      return work(change);
    });
    for (const kind of change!.written) for (const hook of this.hooks.get(kind) ?? []) hook();
    return result;
  }

  /** `hook` runs after every change that wrote something of `kind` has committed. */
  afterCommit(kind: ChangeKind, hook: () => void): void {
    this.hooks.set(kind, [...(this.hooks.get(kind) ?? []), hook]);
  }

  /** `reaction` runs inside every change that emits `fact`, after those registered before it. */
  react<Payload>(fact: Fact<Payload>, reaction: Reaction<Payload>): void {
    this.reactions.set(fact, [...(this.reactions.get(fact) ?? []), reaction as Reaction<unknown>]);
  }
}
