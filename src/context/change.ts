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
 * One change to the data: its transaction, who makes it (`ctx`) and when (`now`, read once, so
 * that everything the change writes carries the same instant). Services write through `manager`
 * and say what they wrote for after the commit with `wrote` (enqueueMail and recordShareEvent do
 * it themselves). A Change lives as long as its transaction: never keep one past `Changes.run`.
 */
export class Change {
  private readonly kinds = new Set<ChangeKind>();

  constructor(
    readonly manager: EntityManager,
    readonly ctx: RequestContext,
    readonly now: Date,
  ) {}

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

  constructor(private readonly db: Database) {}

  /** Runs `work` as one change made by `ctx`; everything it writes commits together or not at all. */
  async run<T>(ctx: RequestContext, work: (change: Change) => Promise<T>): Promise<T> {
    let change: Change | undefined;
    const result = await this.db.transaction((manager) => {
      change = new Change(manager, ctx, ctx.clock.now());
      return work(change);
    });
    for (const kind of change!.written) for (const hook of this.hooks.get(kind) ?? []) hook();
    return result;
  }

  /** `hook` runs after every change that wrote something of `kind` has committed. */
  afterCommit(kind: ChangeKind, hook: () => void): void {
    this.hooks.set(kind, [...(this.hooks.get(kind) ?? []), hook]);
  }
}
