import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/access';
import type { Clock } from '../common/clock';
import { badInput, notFound, queryTimeout, unauthenticated } from '../common/errors';
import { isId } from '../common/ids';
import type { Role } from '../common/roles';
import type { Database } from '../database/database';
import { createLoaders, type Loaders } from './loaders';

/**
 * The account a viewer is. The context needs only its id and e-mail; the account module, which
 * makes viewers (`Viewers`), widens this to its Account entity by declaration merging, so that
 * `viewer.account` is the full row wherever that module is compiled in.
 */
export interface ViewerAccount {
  id: string;
  email: string;
}

/** The authenticated account and its roles, as of the start of the request. */
export interface Viewer {
  account: ViewerAccount;
  roles: ReadonlyMap<string, Role>;
  /**
   * The account's e-mail once its owner has proved it (the verification mail), else null. Shares
   * addressed to an e-mail are matched against this, never against the unproven `account.email`.
   */
  verifiedEmail: string | null;
}

/**
 * Who a caller is: how the context turns a session token into a viewer and reads a viewer's roles
 * again. The account module provides it (composition.ts), so the context imports no module.
 */
export interface Viewers {
  /** The viewer a session token stands for; null for a malformed, forged or expired token, or a deleted account. */
  ofToken(token: string): Promise<Viewer | null>;
  /** The viewer `account` is now (its memberships read through `manager`). */
  of(account: ViewerAccount, manager: EntityManager): Promise<Viewer>;
}

/** Live streams a subscription resolver can open for its context (kept here so resolvers stay adapters). */
export interface LiveStreams {
  shareEvents(ctx: RequestContext, filter: { shareId?: string | null; after?: string | null }): AsyncIterable<unknown>;
}

/** What a request says about its caller, read from HTTP headers or graphql-ws connection params. */
export interface ContextParams {
  requestId: string;
  /** The client's IP address (the socket's peer, or the proxy's `X-Forwarded-For` when trusted). */
  clientAddress: string;
  /** `Bearer <token>`, or undefined for an anonymous request. */
  authorization?: string;
  /** The enterprise to act in (`x-enterprise-id`); optional when the viewer has only one. */
  enterpriseId?: string;
  /**
   * How long the operation (each event, for a subscription) may load data; past it every load
   * fails with QUERY_TIMEOUT. Unset for the server's own work (expiry, demo data).
   */
  timeLimitMs?: number;
}

/**
 * Everything a resolver and a service know about one request. Services take it as their first
 * argument; it is made by the one `ContextFactory` for HTTP requests and WebSocket operations.
 */
export class RequestContext {
  private currentLoaders: Loaders;
  /** performance.now() past which loading stops (see ContextParams.timeLimitMs). */
  private deadline = Infinity;

  constructor(
    readonly requestId: string,
    /** The client's IP address, for per-address limits (login throttling, request rates). */
    readonly clientAddress: string,
    readonly log: Logger,
    readonly clock: Clock,
    private readonly db: Database,
    private readonly viewers: Viewers,
    private currentViewer: Viewer | null,
    private readonly requestedEnterpriseId: string | undefined,
    readonly live: LiveStreams,
    private readonly loaderBatching = true,
    private readonly timeLimitMs?: number,
  ) {
    this.currentLoaders = this.newLoaders();
  }

  private newLoaders(): Loaders {
    if (this.timeLimitMs !== undefined) this.deadline = performance.now() + this.timeLimitMs;
    return createLoaders(this.db.manager, () => this.actor(), {
      batch: this.loaderBatching,
      beforeLoad: () => this.checkTime(),
    });
  }

  /** QUERY_TIMEOUT once the operation has run past its time limit. */
  checkTime(): void {
    if (performance.now() > this.deadline) throw queryTimeout(this.timeLimitMs!);
  }

  get loaders(): Loaders {
    return this.currentLoaders;
  }

  /**
   * Starts afresh for the next event of a subscription: the viewer's roles are read again and
   * the DataLoaders are new, so nothing cached for one event leaks into the next.
   */
  async renew(): Promise<void> {
    await this.refreshViewer();
    this.currentLoaders = this.newLoaders();
  }

  get viewer(): Viewer | null {
    return this.currentViewer;
  }

  /** The viewer, or UNAUTHENTICATED for an anonymous request. */
  requireViewer(): Viewer {
    if (!this.currentViewer) throw unauthenticated();
    return this.currentViewer;
  }

  /** The viewer's role in an enterprise, if it is a member. */
  roleIn(enterpriseId: string): Role | undefined {
    return this.currentViewer?.roles.get(enterpriseId);
  }

  /** The viewer as the access rules see it (see common/access.ts), or null for an anonymous request. */
  actor(): Actor | null {
    const viewer = this.currentViewer;
    if (!viewer) return null;
    const only = viewer.roles.size === 1 ? [...viewer.roles.keys()][0] : null;
    const requested = this.requestedEnterpriseId;
    return {
      accountId: viewer.account.id,
      verifiedEmail: viewer.verifiedEmail,
      roles: viewer.roles,
      // One acts only in an enterprise one belongs to: naming another (or one that removed the
      // account, for a subscription whose roles are read again) is acting in none.
      actingEnterpriseId: requested === undefined ? only : viewer.roles.has(requested) ? requested : null,
    };
  }

  /** The actor, or UNAUTHENTICATED for an anonymous request. */
  requireActor(): Actor {
    this.requireViewer();
    return this.actor()!;
  }

  /**
   * The enterprise the viewer acts in: the one the request names, or the viewer's only one.
   * A viewer in several enterprises must name one.
   */
  actingEnterpriseId(): string {
    const viewer = this.requireViewer();
    if (this.requestedEnterpriseId) return this.requestedEnterpriseId;
    if (viewer.roles.size === 1) return [...viewer.roles.keys()][0];
    if (viewer.roles.size === 0) throw badInput('You are not a member of any enterprise yet: create one first');
    throw badInput('You are a member of several enterprises: name one with the x-enterprise-id header');
  }

  /**
   * After signUp / logIn, the rest of the request sees the new session's account. Within a
   * transaction, pass its manager: taking a second pooled connection could deadlock under load.
   */
  async signIn(account: ViewerAccount, manager: EntityManager = this.db.manager): Promise<void> {
    this.currentViewer = await this.viewers.of(account, manager);
  }

  /** Roles changed during this request (e.g. an enterprise was created): read them again. */
  async refreshViewer(): Promise<void> {
    if (this.currentViewer) this.currentViewer = await this.viewers.of(this.currentViewer.account, this.db.manager);
  }
}

/** Makes the RequestContext of every HTTP request and every WebSocket operation. */
export class ContextFactory {
  constructor(
    private readonly db: Database,
    private readonly viewers: Viewers,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly live: LiveStreams,
    /** False only to measure what DataLoader batching buys (the graph benchmark). */
    private readonly loaderBatching = true,
  ) {}

  /**
   * Authenticates the caller. Throws UNAUTHENTICATED for a malformed, expired or foreign token
   * and NOT_FOUND for an acting enterprise the caller is not a member of.
   */
  async create(params: ContextParams): Promise<RequestContext> {
    const log = this.log.child({ requestId: params.requestId });
    const viewer = params.authorization ? await this.authenticate(params.authorization) : null;
    const enterpriseId = params.enterpriseId?.trim() || undefined;
    if (enterpriseId !== undefined) {
      if (!viewer) throw unauthenticated('Log in to act in an enterprise');
      if (!isId(enterpriseId) || !viewer.roles.has(enterpriseId)) throw notFound('Enterprise');
    }
    return new RequestContext(
      params.requestId,
      params.clientAddress,
      log,
      this.clock,
      this.db,
      this.viewers,
      viewer,
      enterpriseId,
      this.live,
      this.loaderBatching,
      params.timeLimitMs,
    );
  }

  /** The viewer behind an `Authorization` value; UNAUTHENTICATED when it does not check out. */
  async authenticate(authorization: string): Promise<Viewer> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated('The authorization must be "Bearer <token>"');
    const viewer = await this.viewers.ofToken(match[1]);
    if (!viewer) throw unauthenticated('The token is invalid or has expired: log in again');
    return viewer;
  }
}
