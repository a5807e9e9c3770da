import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../../common/errors';
import { isId, newId } from '../../common/ids';
import { Role } from '../../common/roles';
import type { RequestContext } from '../../context/request-context';
import { rawInstant } from '../../database/columns';
import { insertNew, type Database } from '../../database/database';
import { Account } from '../account/account.entity';
import type { AuditService } from '../audit/audit.service';
import type { DevicePlan } from '../device/device-plan';
import { Device } from '../device/device.entity';
import { Enterprise } from '../enterprise/enterprise.entity';
import type { EnterpriseService } from '../enterprise/enterprise.service';
import { Membership } from '../enterprise/membership.entity';
import { enqueueMail } from '../mail/mail-outbox';
import { ShareEventType } from './share-event.entity';
import { recordShareEvent } from './share-events';
import { ShareInvitations } from './share-invitation';
import { isDegraded } from './share-permissions';
import { deviceStatusFor, ShareAction, SharedDeviceStatus, ShareStatus, transition } from './share-lifecycle';
import {
  expiryProblem,
  invitationDeadline,
  judgeDevice,
  requestProblems,
  type DeviceVerdict,
  type ShareCandidate,
} from './share-rules';
import { Share, SharedDevice } from './share.entity';
import type { AcceptShareInput, ExtendShareInput, ShareDevicesInput } from './share.inputs';
import type { ShareCheck, ShareInvitation } from './share.outputs';

const MAX_CODE_FAILURES = 5;
const DAY_MS = 24 * 3600 * 1000;
const LIVE_DEVICE_STATUSES = [SharedDeviceStatus.PENDING, SharedDeviceStatus.ACTIVE];

export interface ShareSettings {
  /** Distinct live recipients per device (SHARE_MAX_RECIPIENTS). */
  maxRecipients: number;
  /** How long before expiresAt both sides are told that a share is expiring soon. */
  expiryWarningMs: number;
}

/** A moment at which some share must change without any request: expire, or warn. */
type Deadline = 'expire' | 'invitation' | 'warn';
/** Expiries first: a share past its end is expired, not warned. */
const DEADLINES: readonly Deadline[] = ['expire', 'invitation', 'warn'];
const deadlineColumn = (kind: Deadline) => (kind === 'invitation' ? 'share.invitationExpiresAt' : 'share.expiresAt');

/** Thrown inside the accept transaction so that the failure can be counted after the rollback. */
class WrongCode extends Error {}

/**
 * The share lifecycle (SPEC §2). Every change locks what it reads, applies the transition the
 * pure lifecycle allows, and writes the share, its ShareEvent, its audit event and its e-mails in
 * one transaction.
 */
export class ShareService {
  private readonly changeListeners = new Set<() => void>();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly enterprises: EnterpriseService,
    private readonly invitations: ShareInvitations,
    private readonly settings: ShareSettings,
  ) {}

  /**
   * `listener` is called after a change has committed that may have brought a deadline closer or
   * queued e-mail (the expiry scheduler and the mail sender wake up).
   */
  watchChanges(listener: () => void): void {
    this.changeListeners.add(listener);
  }

  /** Tells the listeners that share changes have committed. */
  notifyChanged(): void {
    for (const listener of this.changeListeners) listener();
  }

  /** Runs a change in one transaction and, once it has committed, notifies the listeners. */
  private async commit<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.notifyChanged();
    return result;
  }

  /** The verdicts of `shareDevices` for this input, without writing anything. */
  async check(ctx: RequestContext, input: ShareDevicesInput): Promise<ShareCheck> {
    const enterpriseId = ctx.actingEnterpriseId();
    // In a transaction of its own so that it sees the facts the way shareDevices would.
    const [problems, verdicts] = await this.db.transaction((manager) =>
      Promise.all([
        this.requestProblems(manager, ctx, enterpriseId, input),
        this.judgeDevices(manager, ctx, enterpriseId, input.deviceIds, input.recipientEmail),
      ]),
    );
    return {
      canShare: problems.length === 0 && verdicts.every((verdict) => verdict.code === null),
      problems,
      devices: verdicts.map((verdict) => ({ ...verdict, canShare: verdict.code === null })),
    };
  }

  /**
   * Creates a PENDING share of devices of the acting enterprise. When any device cannot be
   * shared, nothing is written and the error lists every refused device with its reason.
   */
  async share(ctx: RequestContext, input: ShareDevicesInput): Promise<ShareInvitation> {
    const viewer = ctx.requireViewer();
    const enterpriseId = ctx.actingEnterpriseId();
    const now = ctx.clock.now();
    const share = await this.commit(async (manager) => {
      const problems = await this.requestProblems(manager, ctx, enterpriseId, input);
      if (problems.length) throw badInput(problems.join('; '), { problems });
      const verdicts = await this.judgeDevices(manager, ctx, enterpriseId, input.deviceIds, input.recipientEmail);
      refuseIfAny(verdicts);
      const expiresAt = input.expiresAt ?? null;
      const created = await insertNew(manager, Share, {
        id: newId(),
        enterpriseId,
        sharerId: viewer.account.id,
        recipientEmail: input.recipientEmail,
        recipientId: null,
        receivingEnterpriseId: null,
        permissions: [...new Set(input.permissions)],
        expiresAt,
        invitationExpiresAt: invitationDeadline(now, expiresAt),
        description: input.description?.trim() || null,
        status: ShareStatus.PENDING,
        linkNonce: ShareInvitations.newNonce(),
        codeNonce: ShareInvitations.newNonce(),
        codeFailures: 0,
        createdAt: now,
        updatedAt: now,
        acceptedAt: null,
        endedAt: null,
      });
      const deviceIds = verdicts.map((verdict) => verdict.deviceId);
      await this.addDeviceRows(manager, created.id, deviceIds, SharedDeviceStatus.PENDING, now);
      await this.recordChange(manager, ctx, created, ShareEventType.CREATED, null, deviceIds, 'share.created');
      await this.inviteByMail(manager, created, now);
      return created;
    });
    return {
      share,
      shareLink: this.invitations.link(share),
      confirmationCode: this.invitations.code(share),
    };
  }

  /** The same link again, for the sharer to pass on ("Copy Sharing Link"). */
  async link(ctx: RequestContext, shareId: string): Promise<string> {
    const share = await this.db.transaction((manager) =>
      this.lockManaged(manager, ctx, shareId, ShareAction.COPY_LINK),
    );
    return this.invitations.link(share);
  }

  /** A fresh confirmation code (which also unlocks a locked one) and a new invitation e-mail. */
  async resendInvitation(ctx: RequestContext, shareId: string): Promise<ShareInvitation> {
    const now = ctx.clock.now();
    const share = await this.commit(async (manager) => {
      const locked = await this.lockManaged(manager, ctx, shareId, ShareAction.RESEND_INVITATION);
      await this.update(manager, locked, {
        codeNonce: ShareInvitations.newNonce(),
        codeFailures: 0,
        invitationExpiresAt: invitationDeadline(now, locked.expiresAt),
        updatedAt: now,
      });
      await this.audit.record(ctx, manager, {
        action: 'share.invitation_resent',
        enterpriseId: locked.enterpriseId,
        targetType: 'Share',
        targetId: locked.id,
      });
      await this.inviteByMail(manager, locked, now);
      return locked;
    });
    return { share, shareLink: this.invitations.link(share), confirmationCode: this.invitations.code(share) };
  }

  /**
   * The recipient accepts with the link token, or with shareId + confirmation code, into an
   * enterprise of theirs in the devices' data center (existing, or created on the spot).
   */
  async accept(ctx: RequestContext, input: AcceptShareInput): Promise<Share> {
    const viewer = ctx.requireViewer();
    const shareId = input.token ? ShareInvitations.shareIdOf(input.token) : input.shareId;
    if (!shareId || (!input.token && !input.code)) {
      throw badInput('Accept with the link token, or with shareId and the confirmation code');
    }
    if (input.enterpriseId && input.newEnterprise) throw badInput('Give enterpriseId or newEnterprise, not both');
    const now = ctx.clock.now();
    try {
      const accepted = await this.commit(async (manager) => {
        const share = await this.lock(manager, shareId);
        if (!share || (input.token && !this.invitations.verifyToken(share, input.token))) throw notFound('Share');
        if (share.recipientEmail !== viewer.account.email) {
          throw forbidden('This share was sent to another e-mail address: log in with that one');
        }
        const next = this.allow(share, ShareAction.ACCEPT);
        if (share.invitationExpiresAt <= now) {
          throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired: ask for a new one');
        }
        if (!input.token) {
          if (share.codeFailures >= MAX_CODE_FAILURES) throw codeLocked();
          if (!this.invitations.verifyCode(share, input.code!)) throw new WrongCode();
        }
        const receivingEnterpriseId = await this.receivingEnterprise(manager, ctx, share, input);
        const previous = share.status;
        await this.update(manager, share, {
          status: next,
          recipientId: viewer.account.id,
          receivingEnterpriseId,
          acceptedAt: now,
          updatedAt: now,
        });
        const deviceIds = await this.moveLiveDevices(manager, share.id, deviceStatusFor(next), null);
        await this.recordChange(manager, ctx, share, ShareEventType.ACCEPTED, previous, deviceIds, 'share.accepted');
        const sharer = await manager.findOneBy(Account, { id: share.sharerId });
        if (sharer) {
          await enqueueMail(manager, now, sharer.email, 'accepted', {
            shareId: share.id,
            recipientEmail: share.recipientEmail,
            deviceCount: deviceIds.length,
          });
        }
        return share;
      });
      await ctx.refreshViewer();
      return accepted;
    } catch (error) {
      if (!(error instanceof WrongCode)) throw error;
      throw await this.countWrongCode(shareId);
    }
  }

  /** Ends the whole share ("cancel sharing for all devices"). */
  cancel(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockManaged(manager, ctx, shareId, ShareAction.CANCEL);
      return this.end(manager, ctx, share, ShareStatus.CANCELLED);
    });
  }

  /** Takes some devices out of a share; the share is cancelled when none is left. */
  cancelDevices(ctx: RequestContext, shareId: string, deviceIds: string[]): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockManaged(manager, ctx, shareId, ShareAction.CANCEL_DEVICES);
      const live = await this.liveDeviceIds(manager, share.id);
      const wanted = [...new Set(deviceIds)];
      const missing = wanted.filter((id) => !live.includes(id));
      if (missing.length) throw badInput(`Not in this share (or no longer shared): ${missing.join(', ')}`);
      const next = this.allow(share, ShareAction.CANCEL_DEVICES, live.length - wanted.length);
      await this.takeOut(manager, ctx, share, wanted, SharedDeviceStatus.CANCELLED, next);
      return share;
    });
  }

  /** Adds devices to a PENDING or ACTIVE share (rules 1-5); they take its permissions and status. */
  addDevices(ctx: RequestContext, shareId: string, deviceIds: string[]): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockManaged(manager, ctx, shareId, ShareAction.ADD_DEVICES);
      const verdicts = await this.judgeDevices(
        manager,
        ctx,
        share.enterpriseId,
        deviceIds,
        share.recipientEmail,
        share.id,
      );
      refuseIfAny(verdicts);
      const added = verdicts.map((verdict) => verdict.deviceId);
      const now = ctx.clock.now();
      await this.addDeviceRows(manager, share.id, added, deviceStatusFor(share.status), now);
      await this.touch(manager, share, now);
      await this.recordChange(
        manager,
        ctx,
        share,
        ShareEventType.DEVICES_ADDED,
        share.status,
        added,
        'share.devices_added',
      );
      return share;
    });
  }

  /**
   * Extends a share that has an expiry: `byDays` from its current expiry, or `until` a later
   * instant (at most 10 years ahead).
   */
  async extend(ctx: RequestContext, input: ExtendShareInput): Promise<Share> {
    if ((input.byDays == null) === (input.until == null)) throw badInput('Give either byDays or until');
    return this.commit(async (manager) => {
      const share = await this.lockManaged(manager, ctx, input.shareId, ShareAction.EXTEND);
      if (!share.expiresAt) throw badInput('This share never expires: there is nothing to extend');
      const now = ctx.clock.now();
      const expiresAt = input.until ?? new Date(share.expiresAt.getTime() + input.byDays! * DAY_MS);
      if (expiresAt <= share.expiresAt) throw badInput('The new expiry must be later than the current one');
      const problem = expiryProblem(expiresAt, now);
      if (problem) throw badInput(problem);
      const previousExpiry = share.expiresAt;
      await this.update(manager, share, { expiresAt, expiryWarnedAt: null });
      await this.touch(manager, share, now);
      const deviceIds = await this.liveDeviceIds(manager, share.id);
      await this.recordChange(manager, ctx, share, ShareEventType.EXTENDED, share.status, deviceIds, 'share.extended', {
        from: previousExpiry.toISOString(),
        to: expiresAt.toISOString(),
      });
      return share;
    });
  }

  /** Cancels every live share of the acting enterprise to one recipient that the viewer manages. */
  cancelAllTo(ctx: RequestContext, recipientEmail: string): Promise<Share[]> {
    const viewer = ctx.requireViewer();
    const enterpriseId = ctx.actingEnterpriseId();
    return this.commit(async (manager) => {
      const query = manager
        .createQueryBuilder(Share, 'share')
        .where('share.enterpriseId = :enterpriseId', { enterpriseId })
        .andWhere('share.recipientEmail = :recipientEmail', { recipientEmail })
        .andWhere('share.status IN (:...live)', { live: [ShareStatus.PENDING, ShareStatus.ACTIVE] })
        .orderBy('share.id');
      if (ctx.roleIn(enterpriseId) !== Role.ADMIN)
        query.andWhere('share.sharerId = :sharerId', { sharerId: viewer.account.id });
      const shares = await this.db.forUpdate(query).getMany();
      for (const share of shares) await this.end(manager, ctx, share, ShareStatus.CANCELLED);
      return shares;
    });
  }

  /** The recipient removes a device from their own view; the share ends with its last device. */
  removeDevice(ctx: RequestContext, shareId: string, deviceId: string): Promise<Share> {
    const viewer = ctx.requireViewer();
    return this.commit(async (manager) => {
      const share = await this.lock(manager, shareId);
      if (!share || (share.recipientId !== viewer.account.id && share.sharerId !== viewer.account.id)) {
        throw notFound('Share');
      }
      if (share.recipientId !== viewer.account.id) {
        throw forbidden('Only the recipient removes a device from their view: the sharer cancels it');
      }
      const live = await this.liveDeviceIds(manager, share.id);
      const next = this.allow(share, ShareAction.REMOVE_DEVICE, live.length - 1);
      if (!live.includes(deviceId)) throw notFound('Shared device');
      await this.takeOut(manager, ctx, share, [deviceId], SharedDeviceStatus.REMOVED, next);
      return share;
    });
  }

  /**
   * The owner deleted a device: every live share of it loses it (DELETED), in the deletion's
   * transaction; a share left without devices is cancelled.
   */
  async deviceDeleted(manager: EntityManager, ctx: RequestContext, deviceId: string): Promise<void> {
    const rows = await manager.findBy(SharedDevice, { deviceId, status: In(LIVE_DEVICE_STATUSES) });
    for (const shareId of [...new Set(rows.map((row) => row.shareId))].sort()) {
      const share = (await this.lock(manager, shareId))!;
      const live = await this.liveDeviceIds(manager, share.id);
      const next = this.allow(share, ShareAction.DELETE_DEVICE, live.length - 1);
      await this.takeOut(manager, ctx, share, [deviceId], SharedDeviceStatus.DELETED, next);
    }
  }

  /**
   * A device's plan changed: every live share of it whose grants the new plan cuts (or restores)
   * records DEGRADED (or RESTORED), in the plan change's transaction.
   */
  async planChanged(manager: EntityManager, ctx: RequestContext, device: Device, from: DevicePlan): Promise<void> {
    const rows = await manager.findBy(SharedDevice, { deviceId: device.id, status: In(LIVE_DEVICE_STATUSES) });
    for (const shareId of [...new Set(rows.map((row) => row.shareId))].sort()) {
      const share = (await this.lock(manager, shareId))!;
      const was = isDegraded(share.permissions, from);
      const now = isDegraded(share.permissions, device.plan);
      if (was === now) continue;
      const type = now ? ShareEventType.DEGRADED : ShareEventType.RESTORED;
      await this.recordChange(manager, ctx, share, type, share.status, [device.id], `share.${type.toLowerCase()}`, {
        plan: device.plan,
      });
    }
  }

  /** Takes devices out of a share with a final device status, ending the share if none is left. */
  private async takeOut(
    manager: EntityManager,
    ctx: RequestContext,
    share: Share,
    deviceIds: string[],
    status: SharedDeviceStatus,
    next: ShareStatus,
  ): Promise<void> {
    const now = ctx.clock.now();
    await manager.update(
      SharedDevice,
      { shareId: share.id, deviceId: In(deviceIds), status: In(LIVE_DEVICE_STATUSES) },
      { status, endedAt: now },
    );
    const previous = share.status;
    if (next !== previous) await this.setStatus(manager, share, next, now);
    else await this.touch(manager, share, now);
    const type =
      status === SharedDeviceStatus.REMOVED ? ShareEventType.DEVICE_REMOVED : ShareEventType.DEVICES_CANCELLED;
    await this.recordChange(manager, ctx, share, type, previous, deviceIds, `share.devices_${status.toLowerCase()}`);
    if (next === ShareStatus.CANCELLED) await this.noticeEnd(manager, share, now);
  }

  private touch(manager: EntityManager, share: Share, now: Date): Promise<void> {
    return this.update(manager, share, { updatedAt: now });
  }

  /** Writes `changes` to the share's row and to the loaded share, so both stay alike. */
  private async update(manager: EntityManager, share: Share, changes: Partial<Share>): Promise<void> {
    Object.assign(share, changes);
    await manager.update(Share, share.id, changes as QueryDeepPartialEntity<Share>);
  }

  /**
   * Handles up to `limit` shares whose deadline has passed: expiry, invitation deadline, or
   * expiring-soon notice. Each share changes in its own transaction; answers how many changed, so
   * the caller repeats while a batch was full. The due shares are found through indexes on
   * (status, deadline): the cost follows what is due, not how many shares exist.
   */
  async processDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = ctx.clock.now();
    let handled = 0;
    for (const kind of DEADLINES) {
      // Not `commit`: a sweep that finds nothing must not tell listeners (the scheduler among them) of a change.
      while (
        handled < limit &&
        (await this.db.transaction((manager) => this.applyNextDeadline(manager, ctx, kind, now)))
      ) {
        handled++;
        this.notifyChanged();
      }
    }
    return handled;
  }

  /** The earliest moment at which `processDue` will have work, or null when nothing is scheduled. */
  async nextDeadline(now: Date): Promise<Date | null> {
    const firsts = await Promise.all(
      DEADLINES.map(async (kind) => {
        const column = deadlineColumn(kind);
        const query = this.dueQuery(this.db.manager, kind, null);
        const row = await query.select(column, 'at').orderBy(column, 'ASC').limit(1).getRawOne<{ at: Date | string }>();
        const at = rawInstant(row?.at);
        if (!at) return null;
        return kind === 'warn' ? new Date(at.getTime() - this.settings.expiryWarningMs) : at;
      }),
    );
    const times = firsts.filter((at): at is Date => at !== null).map((at) => Math.max(at.getTime(), now.getTime()));
    return times.length ? new Date(Math.min(...times)) : null;
  }

  /** Shares with a deadline of `kind`; with `now`, only those already due. */
  private dueQuery(manager: EntityManager, kind: Deadline, now: Date | null) {
    const query = manager.createQueryBuilder(Share, 'share');
    if (kind === 'invitation') {
      query.where('share.status = :pending', { pending: ShareStatus.PENDING });
      if (now) query.andWhere('share.invitationExpiresAt <= :now', { now });
      return query;
    }
    query.where('share.status IN (:...live)', { live: [ShareStatus.PENDING, ShareStatus.ACTIVE] });
    query.andWhere('share.expiresAt IS NOT NULL');
    if (kind === 'warn') query.andWhere('share.expiryWarnedAt IS NULL');
    if (now) {
      const horizon = kind === 'warn' ? new Date(now.getTime() + this.settings.expiryWarningMs) : now;
      query.andWhere('share.expiresAt <= :horizon', { horizon });
    }
    return query;
  }

  /**
   * Claims the most overdue share of `kind` and applies its deadline; answers false when none is
   * due. On PostgreSQL the claim skips shares another transaction holds, so that several
   * instances sweeping at once each take different shares and none is handled twice.
   */
  private async applyNextDeadline(
    manager: EntityManager,
    ctx: RequestContext,
    kind: Deadline,
    now: Date,
  ): Promise<boolean> {
    const query = this.dueQuery(manager, kind, now).orderBy(deadlineColumn(kind), 'ASC').limit(1);
    const share = await this.db.claim(query).getOne();
    if (!share) return false;
    if (kind === 'warn') {
      await this.update(manager, share, { expiryWarnedAt: now });
      const deviceIds = await this.liveDeviceIds(manager, share.id);
      await this.recordChange(
        manager,
        ctx,
        share,
        ShareEventType.EXPIRING_SOON,
        share.status,
        deviceIds,
        'share.expiring_soon',
      );
      await this.mailBothSides(manager, share, now, 'expiring_soon', { expiresAt: share.expiresAt!.toISOString() });
      return true;
    }
    this.allow(share, kind === 'invitation' ? ShareAction.EXPIRE_INVITATION : ShareAction.EXPIRE);
    await this.end(manager, ctx, share, ShareStatus.EXPIRED);
    return true;
  }

  private async mailBothSides(
    manager: EntityManager,
    share: Share,
    now: Date,
    template: 'expiring_soon' | 'expired',
    payload: Record<string, unknown> = {},
  ): Promise<void> {
    const sharer = await manager.findOneBy(Account, { id: share.sharerId });
    for (const to of [share.recipientEmail, sharer?.email]) {
      if (to) await enqueueMail(manager, now, to, template, { shareId: share.id, ...payload });
    }
  }

  /** Moves a share to a final status with all its live devices, and tells the recipient. */
  private async end(manager: EntityManager, ctx: RequestContext, share: Share, status: ShareStatus): Promise<Share> {
    const now = ctx.clock.now();
    const previous = share.status;
    const deviceIds = await this.moveLiveDevices(manager, share.id, deviceStatusFor(status), now);
    await this.setStatus(manager, share, status, now);
    const type = status === ShareStatus.CANCELLED ? ShareEventType.CANCELLED : ShareEventType.EXPIRED;
    await this.recordChange(manager, ctx, share, type, previous, deviceIds, `share.${status.toLowerCase()}`);
    await this.noticeEnd(manager, share, now);
    return share;
  }

  private async setStatus(manager: EntityManager, share: Share, status: ShareStatus, now: Date): Promise<void> {
    const ended = status === ShareStatus.CANCELLED || status === ShareStatus.EXPIRED;
    await this.update(manager, share, { status, updatedAt: now, endedAt: ended ? now : share.endedAt });
  }

  /** A cancelled share is news for the recipient; an expired one for both sides. */
  private async noticeEnd(manager: EntityManager, share: Share, now: Date): Promise<void> {
    if (share.status === ShareStatus.EXPIRED) return this.mailBothSides(manager, share, now, 'expired');
    await enqueueMail(manager, now, share.recipientEmail, 'cancelled', { shareId: share.id });
  }

  /** The ShareEvent and the audit event of a change, in its transaction. */
  private async recordChange(
    manager: EntityManager,
    ctx: RequestContext,
    share: Share,
    type: ShareEventType,
    previousStatus: ShareStatus | null,
    deviceIds: string[],
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const at = ctx.clock.now();
    const actorId = ctx.viewer?.account.id ?? null;
    await recordShareEvent(manager, { share, type, previousStatus, deviceIds, actorId, at });
    await this.audit.record(ctx, manager, {
      action,
      enterpriseId: share.enterpriseId,
      targetType: 'Share',
      targetId: share.id,
      details: { recipientEmail: share.recipientEmail, deviceIds, status: share.status, ...details },
    });
  }

  /** The transition `action` makes, or its refusal as an error. */
  private allow(share: Share, action: ShareAction, liveDevicesLeft?: number): ShareStatus {
    const outcome = transition(share.status, action, liveDevicesLeft);
    if (!outcome.allowed) throw new AppError(outcome.code, outcome.message);
    return outcome.status;
  }

  private lock(manager: EntityManager, shareId: string): Promise<Share | null> {
    if (!isId(shareId)) return Promise.resolve(null);
    return this.db
      .forUpdate(manager.createQueryBuilder(Share, 'share').where('share.id = :shareId', { shareId }))
      .getOne();
  }

  /**
   * Locks a share the viewer manages (its sharer, or an ADMIN of the sharer's enterprise) and
   * checks that `action` is allowed in its status. The recipient gets FORBIDDEN; anyone else
   * NOT_FOUND, as if the share did not exist.
   */
  private async lockManaged(
    manager: EntityManager,
    ctx: RequestContext,
    shareId: string,
    action: ShareAction,
  ): Promise<Share> {
    const viewer = ctx.requireViewer();
    const share = await this.lock(manager, shareId);
    const manages = share && (share.sharerId === viewer.account.id || ctx.roleIn(share.enterpriseId) === Role.ADMIN);
    if (!share || (!manages && share.recipientId !== viewer.account.id)) throw notFound('Share');
    if (!manages) throw forbidden('Only the sharer or an ADMIN of its enterprise manages a share');
    this.allow(share, action);
    return share;
  }

  private async liveDeviceIds(manager: EntityManager, shareId: string): Promise<string[]> {
    const rows = await manager.findBy(SharedDevice, { shareId, status: In(LIVE_DEVICE_STATUSES) });
    return rows.map((row) => row.deviceId);
  }

  /** Moves every live device of a share to `status`; answers their ids. */
  private async moveLiveDevices(
    manager: EntityManager,
    shareId: string,
    status: SharedDeviceStatus,
    endedAt: Date | null,
  ): Promise<string[]> {
    const deviceIds = await this.liveDeviceIds(manager, shareId);
    await manager.update(SharedDevice, { shareId, status: In(LIVE_DEVICE_STATUSES) }, { status, endedAt });
    return deviceIds;
  }

  private async addDeviceRows(
    manager: EntityManager,
    shareId: string,
    deviceIds: string[],
    status: SharedDeviceStatus,
    now: Date,
  ): Promise<void> {
    await manager.insert(
      SharedDevice,
      deviceIds.map((deviceId) => ({ id: newId(), shareId, deviceId, status, addedAt: now, endedAt: null })),
    );
  }

  /** An invitation e-mail goes out when the recipient already has an account (SPEC §2). */
  private async inviteByMail(manager: EntityManager, share: Share, now: Date): Promise<void> {
    if (!(await manager.existsBy(Account, { email: share.recipientEmail }))) return;
    await enqueueMail(manager, now, share.recipientEmail, 'invitation', {
      shareId: share.id,
      link: this.invitations.link(share),
      code: this.invitations.code(share),
      expiresAt: share.invitationExpiresAt.toISOString(),
    });
  }

  /** The enterprise the recipient receives the devices in; it must be in the devices' data center. */
  private async receivingEnterprise(
    manager: EntityManager,
    ctx: RequestContext,
    share: Share,
    input: AcceptShareInput,
  ): Promise<string> {
    const owner = await manager.findOneByOrFail(Enterprise, { id: share.enterpriseId });
    if (input.newEnterprise) {
      const created = await this.enterprises.createIn(manager, ctx, {
        name: input.newEnterprise.name,
        dataCenter: owner.dataCenter,
      });
      return created.id;
    }
    const enterpriseId = input.enterpriseId ?? ctx.actingEnterpriseId();
    const membership = await manager.findOneBy(Membership, { enterpriseId, accountId: ctx.requireViewer().account.id });
    if (!membership) throw notFound('Enterprise');
    if (membership.role === Role.VIEWER) throw forbidden('A VIEWER cannot receive shared devices into an enterprise');
    const receiving = await manager.findOneByOrFail(Enterprise, { id: enterpriseId });
    if (receiving.dataCenter !== owner.dataCenter) {
      throw new AppError(
        ErrorCode.DATA_CENTER_MISMATCH,
        `The devices live in data center ${owner.dataCenter.toUpperCase()}: accept into an enterprise there, or create one with newEnterprise`,
        { dataCenter: owner.dataCenter.toUpperCase() },
      );
    }
    return receiving.id;
  }

  private async countWrongCode(shareId: string): Promise<AppError> {
    const failures = await this.db.transaction(async (manager) => {
      await manager.increment(Share, { id: shareId }, 'codeFailures', 1);
      return (await manager.findOneByOrFail(Share, { id: shareId })).codeFailures;
    });
    if (failures >= MAX_CODE_FAILURES) return codeLocked();
    return badInput(`Wrong confirmation code: ${MAX_CODE_FAILURES - failures} attempts left`);
  }

  /** Rule 6 for a new share: BAD_USER_INPUT problems of the request as a whole. */
  private async requestProblems(
    manager: EntityManager,
    ctx: RequestContext,
    enterpriseId: string,
    input: ShareDevicesInput,
  ): Promise<string[]> {
    const recipientIsMember = await manager
      .createQueryBuilder(Membership, 'm')
      .innerJoin(Account, 'a', 'a.id = m.accountId')
      .where('m.enterpriseId = :enterpriseId', { enterpriseId })
      .andWhere('a.email = :email', { email: input.recipientEmail })
      .getExists();
    return requestProblems({
      sharerEmail: ctx.requireViewer().account.email,
      recipientEmail: input.recipientEmail,
      permissions: input.permissions,
      expiresAt: input.expiresAt ?? null,
      now: ctx.clock.now(),
      recipientIsMember,
    });
  }

  /**
   * Rules 1-5 for each device, from facts gathered under the devices' row locks (PostgreSQL),
   * so that concurrent requests for one device are judged one after the other. Devices already
   * live in `intoShareId` are refused with CONFLICT.
   */
  private async judgeDevices(
    manager: EntityManager,
    ctx: RequestContext,
    enterpriseId: string,
    requestedIds: string[],
    recipientEmail: string,
    intoShareId?: string,
  ): Promise<DeviceVerdict[]> {
    const viewer = ctx.requireViewer();
    const deviceIds = [...new Set(requestedIds)].sort();
    const devices = await this.db
      .forUpdate(manager.createQueryBuilder(Device, 'device').where('device.id IN (:...deviceIds)', { deviceIds }))
      .orderBy('device.id')
      .getMany();
    const byId = new Map(devices.map((device) => [device.id, device]));
    const live = await manager
      .createQueryBuilder(SharedDevice, 'sd')
      .innerJoin(Share, 'share', 'share.id = sd.shareId')
      .select('sd.deviceId', 'deviceId')
      .addSelect('sd.shareId', 'shareId')
      .addSelect('sd.status', 'status')
      .addSelect('share.recipientEmail', 'recipientEmail')
      .addSelect('share.recipientId', 'recipientId')
      .where('sd.deviceId IN (:...deviceIds)', { deviceIds })
      .andWhere('sd.status IN (:...statuses)', { statuses: LIVE_DEVICE_STATUSES })
      .getRawMany<{
        deviceId: string;
        shareId: string;
        recipientEmail: string;
        recipientId: string | null;
        status: string;
      }>();
    const membership = await manager.findOneBy(Membership, { enterpriseId, accountId: viewer.account.id });
    const enterprise = await manager.findOneByOrFail(Enterprise, { id: enterpriseId });

    return deviceIds.map((deviceId): DeviceVerdict => {
      const device = byId.get(deviceId);
      if (!device) return { deviceId, code: ErrorCode.NOT_FOUND, reason: 'Device not found' };
      const shares = live.filter((row) => row.deviceId === deviceId);
      if (intoShareId && shares.some((row) => row.shareId === intoShareId)) {
        return { deviceId, code: ErrorCode.CONFLICT, reason: 'Already in this share' };
      }
      const candidate: ShareCandidate = {
        deviceId,
        viewerRole: device.enterpriseId === enterpriseId ? membership?.role : undefined,
        operatorsCanShare: enterprise.settings.operatorsCanShare,
        sharedToViewer: shares.some(
          (row) => row.recipientId === viewer.account.id && row.status === SharedDeviceStatus.ACTIVE,
        ),
        isDemo: device.isDemo,
        plan: device.plan,
        liveRecipients: shares.map((row) => row.recipientEmail),
      };
      return judgeDevice(candidate, recipientEmail, this.settings.maxRecipients);
    });
  }
}

/** One error for a bulk request: the first refusal's code, and every refused device with its reason. */
function refuseIfAny(verdicts: DeviceVerdict[]): void {
  const refused = verdicts.filter((verdict) => verdict.code !== null);
  if (!refused.length) return;
  const message =
    refused.length === 1
      ? refused[0].reason!
      : `${refused.length} of ${verdicts.length} devices cannot be shared: ${refused
          .map((verdict) => `${verdict.deviceId}: ${verdict.reason}`)
          .join('; ')}`;
  throw new AppError(refused[0].code!, message, { devices: refused });
}

const codeLocked = () =>
  new AppError(ErrorCode.CODE_LOCKED, 'Too many wrong codes: ask the sharer to send the invitation again');
