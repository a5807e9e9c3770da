import { In, LessThan, MoreThan, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AccessRule } from '../../common/access';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../../common/errors';
import { isId, newId } from '../../common/ids';
import type { Limiter } from '../../common/rate-limits';
import { Role } from '../../common/roles';
import type { RequestContext } from '../../context/request-context';
import { rawInstant } from '../../database/columns';
import { insertNew, type Database } from '../../database/database';
import { Account } from '../account/account.entity';
import type { AuditService } from '../audit/audit.service';
import type { DevicePlan } from '../device/device-plan';
import { Device } from '../device/device.entity';
import { Enterprise, recipientLimitOf } from '../enterprise/enterprise.entity';
import type { EnterpriseService } from '../enterprise/enterprise.service';
import { Membership } from '../enterprise/membership.entity';
import { enqueueMail, type MailPayloads } from '../mail/mail-outbox';
import { recordShareEvent } from './share-events';
import { ShareInvitations } from './share-invitation';
import { isDegraded } from './share-permissions';
import {
  CREATION,
  deviceStatusFor,
  END_MAILS,
  endedDeviceStatus,
  endReason,
  eventOf,
  isLive,
  LIVE_SHARE_STATUSES,
  ShareAction,
  SharedDeviceStatus,
  ShareStatus,
  STEP_EFFECTS,
  transition,
  type StepEffects,
  type StepMail,
} from './share-lifecycle';
import { manageShare, receiveDevice, receiveShare, seeShare, type ShareAlias, type ShareFacts } from './share.policy';
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
    /**
     * Failed acceptShare attempts per account (ACCEPT_SHARE_FAILURES_PER_ACCOUNT), whatever shares
     * they target: on top of the five codes per share, it keeps an account from guessing across
     * many shares at once.
     */
    private readonly acceptAttempts: Limiter,
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
    // One statement after the other: in a transaction they share one connection.
    const [problems, verdicts] = await this.db.transaction(async (manager) => [
      await this.requestProblems(manager, ctx, enterpriseId, input),
      await this.judgeDevices(manager, ctx, enterpriseId, input.deviceIds, input.recipientEmail),
    ]);
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
    const { share, emailSent } = await this.commit(async (manager) => {
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
        endReason: null,
      });
      const deviceIds = verdicts.map((verdict) => verdict.deviceId);
      await this.addDeviceRows(manager, created.id, deviceIds, SharedDeviceStatus.PENDING, now);
      await this.record(manager, ctx, created, CREATION, null, deviceIds);
      return { share: created, emailSent: await this.inviteByMail(manager, created, now) };
    });
    return this.invitationOf(share, emailSent);
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
    const { share, emailSent } = await this.commit(async (manager) => {
      const locked = await this.lockManaged(manager, ctx, shareId, ShareAction.RESEND_INVITATION);
      await this.apply(manager, ctx, locked, ShareAction.RESEND_INVITATION, {
        changes: {
          codeNonce: ShareInvitations.newNonce(),
          codeFailures: 0,
          invitationExpiresAt: invitationDeadline(now, locked.expiresAt),
        },
      });
      return { share: locked, emailSent: await this.inviteByMail(manager, locked, now) };
    });
    return this.invitationOf(share, emailSent);
  }

  private invitationOf(share: Share, emailSent: boolean): ShareInvitation {
    return {
      share,
      shareLink: this.invitations.link(share),
      confirmationCode: this.invitations.code(share),
      emailSent,
    };
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
    await this.acceptAttempts.consume(viewer.account.id);
    const now = ctx.clock.now();
    const reserved = !input.token && (await this.reserveCodeAttempt(shareId, viewer.verifiedEmail));
    /** The nonce of the code that compared right, while the acceptance is not yet committed. */
    let rightCodeNonce: string | null = null;
    try {
      const accepted = await this.commit(async (manager) => {
        const share = await this.lock(manager, shareId);
        if (!share || (input.token && !this.invitations.verifyToken(share, input.token))) throw notFound('Share');
        if (share.recipientEmail !== viewer.verifiedEmail) {
          throw forbidden(
            share.recipientEmail === viewer.account.email
              ? 'Verify your e-mail address first: use the token of the verification mail with verifyEmail'
              : 'This share was sent to another e-mail address: log in with that one',
          );
        }
        const next = this.allow(share, ShareAction.ACCEPT);
        if (share.invitationExpiresAt <= now) {
          throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired: ask for a new one');
        }
        if (!input.token) {
          if (!reserved) throw codeLocked();
          if (!this.invitations.verifyCode(share, input.code!)) throw wrongCode(share.codeFailures);
          rightCodeNonce = share.codeNonce;
        }
        const receivingEnterpriseId = await this.receivingEnterprise(manager, ctx, share, input);
        const deviceIds = await this.moveLiveDevices(manager, share.id, deviceStatusFor(next), null);
        await this.apply(manager, ctx, share, ShareAction.ACCEPT, {
          next,
          deviceIds,
          changes: { recipientId: viewer.account.id, receivingEnterpriseId, acceptedAt: now },
        });
        return share;
      });
      // The budget is for failed attempts: accepting many shares is no attack.
      await this.acceptAttempts.reward(viewer.account.id);
      await ctx.refreshViewer();
      return accepted;
    } catch (error) {
      // A right code refused for another reason (e.g. DATA_CENTER_MISMATCH) does not use up an attempt.
      if (rightCodeNonce) await this.refundCodeAttempt(shareId, rightCodeNonce);
      throw error;
    }
  }

  /**
   * Counts a code attempt before the code is compared: at most MAX_CODE_FAILURES attempts on one
   * code ever get that far, however many arrive at once. One conditional UPDATE, committed on its
   * own, so that no later rollback uncounts it; only the share's recipient reserves attempts on it.
   * Answers false when none is left (or the share is not theirs, which the acceptance then says).
   */
  private async reserveCodeAttempt(shareId: string, verifiedEmail: string | null): Promise<boolean> {
    if (!isId(shareId) || !verifiedEmail) return false;
    const result = await this.db.transaction((manager) =>
      manager.update(
        Share,
        {
          id: shareId,
          recipientEmail: verifiedEmail,
          status: ShareStatus.PENDING,
          codeFailures: LessThan(MAX_CODE_FAILURES),
        },
        { codeFailures: () => '"codeFailures" + 1' },
      ),
    );
    return result.affected === 1;
  }

  /** Gives back the attempt of a right code (unless the code has been replaced since). */
  private async refundCodeAttempt(shareId: string, codeNonce: string): Promise<void> {
    await this.db.transaction((manager) =>
      manager.update(
        Share,
        { id: shareId, codeNonce, codeFailures: MoreThan(0) },
        { codeFailures: () => '"codeFailures" - 1' },
      ),
    );
  }

  /** Ends the whole share ("cancel sharing for all devices"). */
  cancel(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockManaged(manager, ctx, shareId, ShareAction.CANCEL);
      return this.end(manager, ctx, share, ShareAction.CANCEL);
    });
  }

  /**
   * The recipient turns an invitation down: the share is CANCELLED (DECLINED) with its devices,
   * and the sharer is told. An invitation past its deadline answers INVITATION_EXPIRED, as
   * accepting it would.
   */
  decline(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockReceived(manager, ctx, shareId, ShareAction.DECLINE);
      if (share.invitationExpiresAt <= ctx.clock.now()) {
        throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired: there is nothing to decline');
      }
      return this.end(manager, ctx, share, ShareAction.DECLINE);
    });
  }

  /**
   * The recipient gives up an accepted share at once: every live device REMOVED, the share
   * CANCELLED (LEFT_BY_RECIPIENT), and the sharer is told.
   */
  leave(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockReceived(manager, ctx, shareId, ShareAction.LEAVE);
      return this.end(manager, ctx, share, ShareAction.LEAVE);
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
      await this.takeOut(manager, ctx, share, wanted, ShareAction.CANCEL_DEVICES, next);
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
      await this.apply(manager, ctx, share, ShareAction.ADD_DEVICES, { deviceIds: added });
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
      await this.apply(manager, ctx, share, ShareAction.EXTEND, {
        deviceIds: await this.liveDeviceIds(manager, share.id),
        changes: { expiresAt, expiryWarnedAt: null },
        details: { from: share.expiresAt.toISOString(), to: expiresAt.toISOString() },
      });
      return share;
    });
  }

  /**
   * Cancels every live share of the acting enterprise to one recipient that the viewer manages
   * (`manageShare`). A VIEWER shares nothing and manages nothing: FORBIDDEN, like every sharing
   * mutation.
   */
  cancelAllTo(ctx: RequestContext, recipientEmail: string): Promise<Share[]> {
    const actor = ctx.requireActor();
    const enterpriseId = ctx.actingEnterpriseId();
    if (ctx.roleIn(enterpriseId) === Role.VIEWER) throw forbidden('VIEWERs do not share devices');
    const managed = manageShare.scope(actor, { share: 'share' });
    return this.commit(async (manager) => {
      const query = manager
        .createQueryBuilder(Share, 'share')
        .where('share.enterpriseId = :enterpriseId', { enterpriseId })
        .andWhere('share.recipientEmail = :recipientEmail', { recipientEmail })
        .andWhere('share.status IN (:...live)', { live: LIVE_SHARE_STATUSES })
        .andWhere(managed.where, managed.params)
        .orderBy('share.id');
      const shares = await this.db.forUpdate(query).getMany();
      for (const share of shares) await this.end(manager, ctx, share, ShareAction.CANCEL);
      return shares;
    });
  }

  /** The recipient removes a device from their own view; the share ends with its last device. */
  removeDevice(ctx: RequestContext, shareId: string, deviceId: string): Promise<Share> {
    return this.commit(async (manager) => {
      const share = await this.lockReceived(manager, ctx, shareId, ShareAction.REMOVE_DEVICE);
      const live = await this.liveDeviceIds(manager, share.id);
      const next = this.allow(share, ShareAction.REMOVE_DEVICE, live.length - 1);
      if (!live.includes(deviceId)) throw notFound('Shared device');
      await this.takeOut(manager, ctx, share, [deviceId], ShareAction.REMOVE_DEVICE, next);
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
      await this.takeOut(manager, ctx, share, [deviceId], ShareAction.DELETE_DEVICE, next);
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
      await this.apply(manager, ctx, share, now ? ShareAction.DEGRADE : ShareAction.RESTORE, {
        deviceIds: [device.id],
        details: { plan: device.plan },
        touch: false,
      });
    }
  }

  /**
   * Takes devices out of a share with the final device status of `action`, ending the share if
   * none is left (`next`, from the lifecycle). The event that ends it is the share-level
   * CANCELLED, naming the devices it took out; otherwise the event is about the devices.
   */
  private async takeOut(
    manager: EntityManager,
    ctx: RequestContext,
    share: Share,
    deviceIds: string[],
    action: ShareAction,
    next: ShareStatus,
  ): Promise<void> {
    await manager.update(
      SharedDevice,
      { shareId: share.id, deviceId: In(deviceIds), status: In(LIVE_DEVICE_STATUSES) },
      { status: endedDeviceStatus(action, next), endedAt: ctx.clock.now() },
    );
    await this.apply(manager, ctx, share, action, { next, deviceIds });
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
    query.where('share.status IN (:...live)', { live: LIVE_SHARE_STATUSES });
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
      await this.apply(manager, ctx, share, ShareAction.WARN_EXPIRY, {
        deviceIds: await this.liveDeviceIds(manager, share.id),
        changes: { expiryWarnedAt: now },
        touch: false,
      });
      return true;
    }
    await this.end(manager, ctx, share, kind === 'invitation' ? ShareAction.EXPIRE_INVITATION : ShareAction.EXPIRE);
    return true;
  }

  /**
   * Ends a whole share by `action` (which the lifecycle must allow and which ends it): its live
   * devices take their final status, and `apply` does the rest.
   */
  private async end(manager: EntityManager, ctx: RequestContext, share: Share, action: ShareAction): Promise<Share> {
    const next = this.allow(share, action);
    const deviceIds = await this.moveLiveDevices(manager, share.id, endedDeviceStatus(action, next), ctx.clock.now());
    await this.apply(manager, ctx, share, action, { next, deviceIds });
    return share;
  }

  /**
   * Carries out one step of the lifecycle on a locked share, as STEP_EFFECTS declares it: the
   * step's own `changes` and the share's next status (from the lifecycle; with why it ended, when
   * it ends), then its event, its audit action and its e-mails, all in the step's transaction.
   * `deviceIds` are the devices the step is about (none given: it is about the whole share, as an
   * invitation sent again is, and its audit event names no device); `touch: false` for a notice that changes
   * nothing a client reads of the share (updatedAt stays).
   */
  private async apply(
    manager: EntityManager,
    ctx: RequestContext,
    share: Share,
    action: ShareAction,
    step: {
      next?: ShareStatus;
      deviceIds?: string[];
      changes?: Partial<Share>;
      details?: Record<string, unknown>;
      touch?: boolean;
    },
  ): Promise<void> {
    const now = ctx.clock.now();
    const previous = share.status;
    const next = step.next ?? previous;
    const ends = isLive(previous) && !isLive(next);
    const changes: Partial<Share> = {
      ...step.changes,
      ...(next !== previous ? { status: next } : {}),
      ...(step.touch === false ? {} : { updatedAt: now }),
      ...(ends ? { endedAt: now, endReason: endReason(previous, action) } : {}),
    };
    if (Object.keys(changes).length) await this.update(manager, share, changes);
    const effects = { ...STEP_EFFECTS[action], event: eventOf(action, previous, next) };
    await this.record(manager, ctx, share, effects, previous, step.deviceIds, step.details);
    const mail = ends ? END_MAILS[share.endReason!] : effects.mail;
    if (mail) await this.sendStepMail(manager, share, now, mail, step.deviceIds ?? []);
  }

  /** The ShareEvent and the audit event a step declares, in its transaction. */
  private async record(
    manager: EntityManager,
    ctx: RequestContext,
    share: Share,
    effects: Pick<StepEffects, 'event' | 'audit'>,
    previousStatus: ShareStatus | null,
    deviceIds: string[] | undefined,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const at = ctx.clock.now();
    const actorId = ctx.viewer?.account.id ?? null;
    if (effects.event) {
      await recordShareEvent(manager, {
        share,
        type: effects.event,
        previousStatus,
        deviceIds: deviceIds ?? [],
        actorId,
        at,
      });
    }
    if (!effects.audit) return;
    await this.audit.record(ctx, manager, {
      action: effects.audit,
      enterpriseId: share.enterpriseId,
      targetType: 'Share',
      targetId: share.id,
      details: {
        recipientEmail: share.recipientEmail,
        ...(deviceIds && { deviceIds }),
        status: share.status,
        ...details,
      },
    });
  }

  /** Queues the e-mail a step causes, to the side(s) it names, with what its template needs. */
  private async sendStepMail(
    manager: EntityManager,
    share: Share,
    now: Date,
    mail: StepMail,
    deviceIds: string[],
  ): Promise<void> {
    const shareId = share.id;
    const payloads: { [Template in StepMail['template']]: MailPayloads[Template] } = {
      accepted: { shareId, recipientEmail: share.recipientEmail, deviceCount: deviceIds.length },
      expiring_soon: { shareId, expiresAt: share.expiresAt?.toISOString() ?? '' },
      expired: { shareId },
      cancelled: { shareId },
      declined: { shareId, deviceIds },
      left: { shareId, deviceIds },
    };
    const recipients: string[] = [];
    if (mail.to !== 'sharer') recipients.push(share.recipientEmail);
    if (mail.to !== 'recipient') {
      const sharer = await manager.findOneBy(Account, { id: share.sharerId });
      if (sharer) recipients.push(sharer.email);
    }
    for (const to of recipients) await enqueueMail(manager, now, to, mail.template, payloads[mail.template]);
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
   * Locks a share the viewer manages (`manageShare`) and checks that `action` is allowed in its
   * status. Its recipient gets FORBIDDEN; anyone else NOT_FOUND, as if the share did not exist.
   */
  private lockManaged(manager: EntityManager, ctx: RequestContext, shareId: string, action: ShareAction) {
    return this.lockAs(
      manager,
      ctx,
      shareId,
      action,
      manageShare,
      'Only the sharer or an ADMIN of its enterprise manages a share',
    );
  }

  /**
   * Locks a share the viewer receives (`receiveShare`: an invitation wherever it acts, an accepted
   * share only in its receiving enterprise) and checks that `action` is allowed in its status.
   * Those who manage it get FORBIDDEN (they cancel instead); anyone else NOT_FOUND.
   */
  private lockReceived(manager: EntityManager, ctx: RequestContext, shareId: string, action: ShareAction) {
    return this.lockAs(
      manager,
      ctx,
      shareId,
      action,
      receiveShare,
      'Only the recipient declines a share, leaves it or removes its devices: the sharer cancels instead',
    );
  }

  /** Locks a share the viewer sees (else NOT_FOUND), on `side` of it (else FORBIDDEN), where `action` is allowed. */
  private async lockAs(
    manager: EntityManager,
    ctx: RequestContext,
    shareId: string,
    action: ShareAction,
    side: AccessRule<ShareFacts, ShareAlias>,
    refusal: string,
  ): Promise<Share> {
    const actor = ctx.requireActor();
    const share = await this.lock(manager, shareId);
    if (!share || !seeShare.allows(actor, share)) throw notFound('Share');
    if (!side.allows(actor, share)) throw forbidden(refusal);
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

  /** Queues the invitation e-mail if the address has an account (else the sharer passes the link on); says which. */
  private async inviteByMail(manager: EntityManager, share: Share, now: Date): Promise<boolean> {
    if (!(await manager.existsBy(Account, { email: share.recipientEmail }))) return false;
    // Only the share id: the link and the code are rendered when the mail is sent (share-mails.ts).
    await enqueueMail(manager, now, share.recipientEmail, 'invitation', { shareId: share.id });
    return true;
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
    const actor = ctx.requireActor();
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
      .addSelect('share.sharerId', 'sharerId')
      .addSelect('share.enterpriseId', 'enterpriseId')
      .addSelect('share.recipientEmail', 'recipientEmail')
      .addSelect('share.recipientId', 'recipientId')
      .addSelect('share.receivingEnterpriseId', 'receivingEnterpriseId')
      .addSelect('share.status', 'shareStatus')
      .where('sd.deviceId IN (:...deviceIds)', { deviceIds })
      .andWhere('sd.status IN (:...statuses)', { statuses: LIVE_DEVICE_STATUSES })
      .getRawMany<Omit<ShareFacts, 'status'> & LiveDeviceRow>();
    const membership = await manager.findOneBy(Membership, { enterpriseId, accountId: viewer.account.id });
    const enterprise = await manager.findOneByOrFail(Enterprise, { id: enterpriseId });

    // In the order asked for (the rows above are read and locked in id order).
    return [...new Set(requestedIds)].map((deviceId): DeviceVerdict => {
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
        // Only where the device reaches the viewer now: acting elsewhere, it does not exist for them.
        sharedToViewer: shares.some((row) =>
          receiveDevice.allows(actor, { share: { ...row, status: row.shareStatus }, sharedDevice: row }),
        ),
        isDemo: device.isDemo,
        plan: device.plan,
        liveRecipients: shares.map((row) => row.recipientEmail),
      };
      return judgeDevice(candidate, recipientEmail, recipientLimitOf(enterprise.settings, this.settings.maxRecipients));
    });
  }
}

/** One live device of a share, as `judgeDevices` reads it beside its share's facts. */
interface LiveDeviceRow {
  deviceId: string;
  shareId: string;
  shareStatus: ShareStatus;
  status: SharedDeviceStatus;
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

/** `failures`: the attempts counted on this code so far, this one included. */
const wrongCode = (failures: number) =>
  failures >= MAX_CODE_FAILURES
    ? codeLocked()
    : badInput(`Wrong confirmation code: ${MAX_CODE_FAILURES - failures} attempts left`);
