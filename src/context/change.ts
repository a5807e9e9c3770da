import type { EntityManager } from 'typeorm';
import type { Database } from '../database/database';
import type { RequestContext } from './request-context';

/**
 * What a change may write that some work waits for once it has committed: e-mail to send (the
 * mail sender), share events to publish (the publisher), share deadlines that may have moved
 * (the expiry scheduler).
 */
export type ChangeKind = 'mail' | 'shareEvent' | 'deadline';

/** What a change tells the audit log (the audit module writes it, as composition.ts wires). */
export interface AuditEntry {
  /** `<area>.<what happened>`, e.g. `share.cancelled`: each spelled once, where its step is declared. */
  action: string;
  enterpriseId: string | null;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/**
 * What a queued e-mail carries, by template name: empty here, and augmented by each module that
 * sends e-mail, next to its renderer, e.g.
 * ```ts
 * declare module '../../context/change' {
 *   interface MailPayloads {
 *     verify_email: { accountId: string };
 *   }
 * }
 * ```
 * A payload holds only references and facts that are not secret: see mail/mail-outbox.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface MailPayloads {}

/** The name of a kind of e-mail. */
export type MailTemplate = keyof MailPayloads;

/** When a queued e-mail may leave: now by default, or not before `notBefore`. */
export interface MailOptions {
  notBefore?: Date;
}

/**
 * Where what a change writes for other modules goes: its audit entries (the audit module's log)
 * and its e-mails (the mail module's outbox). Both write in the change's transaction; composition.ts
 * provides them, so that no module calls the audit or mail module itself.
 */
export interface ChangeWriters {
  audit(change: Change, entry: AuditEntry): Promise<unknown>;
  mail<Template extends MailTemplate>(
    change: Change,
    to: string,
    template: Template,
    payload: MailPayloads[Template],
    options?: MailOptions,
  ): Promise<unknown>;
}

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
 * that everything the change writes carries the same instant). Services write their own rows
 * through `manager`, the audit log with `audit`, e-mail with `mail`, and tell other modules what
 * happened with `emit`; a write that some after-commit work waits for says so with `wrote`
 * (`mail` does; so does the share module's recordShareEvent). A Change lives as long as its
 * transaction: never keep one past `Changes.run`.
 */
export class Change {
  private readonly kinds = new Set<ChangeKind>();

  constructor(
    readonly manager: EntityManager,
    readonly ctx: RequestContext,
    readonly now: Date,
    private readonly writers: ChangeWriters,
    private readonly reactions: ReadonlyMap<Fact<unknown>, readonly Reaction<unknown>[]>,
  ) {}

  /** Records `entry` in the audit log: it commits with what it records, or not at all. */
  async audit(entry: AuditEntry): Promise<void> {
    await this.writers.audit(this, entry);
  }

  /** Queues an e-mail; the mail sender wakes once the change has committed. */
  async mail<Template extends MailTemplate>(
    to: string,
    template: Template,
    payload: MailPayloads[Template],
    options?: MailOptions,
  ): Promise<void> {
    this.wrote('mail');
    await this.writers.mail(this, to, template, payload, options);
  }

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

  constructor(
    private readonly db: Database,
    private readonly writers: ChangeWriters,
  ) {}

  /** Runs `work` as one change made by `ctx`; everything it writes commits together or not at all. */
  async run<T>(ctx: RequestContext, work: (change: Change) => Promise<T>): Promise<T> {
    let change: Change | undefined;
    const result = await this.db.transaction((manager) => {
      change = new Change(manager, ctx, ctx.clock.now(), this.writers, this.reactions);
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
