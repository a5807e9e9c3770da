import { In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AccessRule } from '../../common/access';
import { AppError, forbidden, notFound } from '../../common/errors';
import { isId, newId } from '../../common/ids';
import type { Change, MailPayloads } from '../../context/change';
import type { Database } from '../../database/database';
import { Account } from '../account/account.entity';

import { recordShareEvent } from './events/share-events';
import {
  END_MAILS,
  endedDeviceStatus,
  endReason,
  eventOf,
  isLive,
  ShareAction,
  SharedDeviceStatus,
  ShareStatus,
  STEP_EFFECTS,
  transition,
  type StepEffects,
  type StepMail,
} from './share-lifecycle';
import { manageShare, receiveShare, seeShare, type ShareAlias, type ShareFacts } from './share.policy';
import { Share, SharedDevice } from './share.entity';

/** The statuses of a device that is still shared. */
export const LIVE_DEVICE_STATUSES = [SharedDeviceStatus.PENDING, SharedDeviceStatus.ACTIVE];

/**
 * What every share command is made of: lock a share (as its manager or its recipient, else
 * NOT_FOUND / FORBIDDEN), ask the pure lifecycle whether the action is allowed, and `apply` the
 * step its tables declare, in the command's Change. Used by the share services only (commands,
 * acceptance, device reactions, deadlines); it decides nothing of its own.
 */
export class ShareSteps {
  constructor(private readonly db: Database) {}

  /**
   * Ends a whole share by `action` (which the lifecycle must allow and which ends it): its live
   * devices take their final status, and `apply` does the rest.
   */
  async end(change: Change, share: Share, action: ShareAction): Promise<Share> {
    const next = this.allow(share, action);
    const deviceIds = await this.moveLiveDevices(change, share.id, endedDeviceStatus(action, next), change.now);
    await this.apply(change, share, action, { next, deviceIds });
    return share;
  }

  /**
   * Carries out one step of the lifecycle on a locked share, as STEP_EFFECTS declares it: the
   * step's own `changes` and the share's next status (from the lifecycle; with why it ended, when
   * it ends), then its event, its audit action and its e-mails, all in `change`. `deviceIds` are
   * the devices the step is about (none given: it is about the whole share, as an invitation sent
   * again is, and its audit event names no device); `touch: false` for a notice that changes
   * nothing a client reads of the share (updatedAt stays).
   */
  async apply(
    change: Change,
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
    const now = change.now;
    const previous = share.status;
    const next = step.next ?? previous;
    const ends = isLive(previous) && !isLive(next);
    const changes: Partial<Share> = {
      ...step.changes,
      ...(next !== previous ? { status: next } : {}),
      ...(step.touch === false ? {} : { updatedAt: now }),
      ...(ends ? { endedAt: now, endReason: endReason(previous, action) } : {}),
    };
    if (Object.keys(changes).length) await this.update(change, share, changes);
    const effects = { ...STEP_EFFECTS[action], event: eventOf(action, previous, next) };
    await this.record(change, share, effects, previous, step.deviceIds, step.details);
    const mail = ends ? END_MAILS[share.endReason!] : effects.mail;
    if (mail) await this.sendStepMail(change, share, mail, step.deviceIds ?? []);
  }

  /**
   * The ShareEvent and the audit event a step (or the creation of a share) declares, in its
   * change. Every such change may move a deadline, so it wakes the expiry scheduler.
   */
  async record(
    change: Change,
    share: Share,
    effects: Pick<StepEffects, 'event' | 'audit'>,
    previousStatus: ShareStatus | null,
    deviceIds: string[] | undefined,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    change.wrote('deadline');
    if (effects.event) {
      await recordShareEvent(change, { share, type: effects.event, previousStatus, deviceIds: deviceIds ?? [] });
    }
    if (!effects.audit) return;
    await change.audit({
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
  async sendStepMail(change: Change, share: Share, mail: StepMail, deviceIds: string[]): Promise<void> {
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
      const sharer = await change.manager.findOneBy(Account, { id: share.sharerId });
      if (sharer) recipients.push(sharer.email);
    }
    for (const to of recipients) await change.mail(to, mail.template, payloads[mail.template]);
  }

  /**
   * Takes devices out of a share with the final device status of `action`, ending the share if
   * none is left (`next`, from the lifecycle). The event that ends it is the share-level
   * CANCELLED, naming the devices it took out; otherwise the event is about the devices.
   */
  async takeOut(change: Change, share: Share, deviceIds: string[], action: ShareAction, next: ShareStatus) {
    await change.manager.update(
      SharedDevice,
      { shareId: share.id, deviceId: In(deviceIds), status: In(LIVE_DEVICE_STATUSES) },
      { status: endedDeviceStatus(action, next), endedAt: change.now },
    );
    await this.apply(change, share, action, { next, deviceIds });
  }

  /** Writes `changes` to the share's row and to the loaded share, so both stay alike. */
  async update(change: Change, share: Share, changes: Partial<Share>): Promise<void> {
    Object.assign(share, changes);
    await change.manager.update(Share, share.id, changes as QueryDeepPartialEntity<Share>);
  }

  /** The transition `action` makes, or its refusal as an error. */
  allow(share: Share, action: ShareAction, liveDevicesLeft?: number): ShareStatus {
    const outcome = transition(share.status, action, liveDevicesLeft);
    if (!outcome.allowed) throw new AppError(outcome.code, outcome.message);
    return outcome.status;
  }

  /** The share, locked until `change` ends (PostgreSQL); null when there is none. */
  lock(change: Change, shareId: string): Promise<Share | null> {
    if (!isId(shareId)) return Promise.resolve(null);
    return this.db
      .forUpdate(change.manager.createQueryBuilder(Share, 'share').where('share.id = :shareId', { shareId }))
      .getOne();
  }

  /**
   * Locks a share the viewer manages (`manageShare`) and checks that `action` is allowed in its
   * status. Its recipient gets FORBIDDEN; anyone else NOT_FOUND, as if the share did not exist.
   */
  lockManaged(change: Change, shareId: string, action: ShareAction) {
    return this.lockAs(
      change,
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
  lockReceived(change: Change, shareId: string, action: ShareAction) {
    return this.lockAs(
      change,
      shareId,
      action,
      receiveShare,
      'Only the recipient declines a share, leaves it or removes its devices: the sharer cancels instead',
    );
  }

  /** Locks a share the viewer sees (else NOT_FOUND), on `side` of it (else FORBIDDEN), where `action` is allowed. */
  async lockAs(
    change: Change,
    shareId: string,
    action: ShareAction,
    side: AccessRule<ShareFacts, ShareAlias>,
    refusal: string,
  ): Promise<Share> {
    const actor = change.ctx.requireActor();
    const share = await this.lock(change, shareId);
    if (!share || !seeShare.allows(actor, share)) throw notFound('Share');
    if (!side.allows(actor, share)) throw forbidden(refusal);
    this.allow(share, action);
    return share;
  }

  async liveDeviceIds(change: Change, shareId: string): Promise<string[]> {
    const rows = await change.manager.findBy(SharedDevice, { shareId, status: In(LIVE_DEVICE_STATUSES) });
    return rows.map((row) => row.deviceId);
  }

  /** Moves every live device of a share to `status`; answers their ids. */
  async moveLiveDevices(
    change: Change,
    shareId: string,
    status: SharedDeviceStatus,
    endedAt: Date | null,
  ): Promise<string[]> {
    const deviceIds = await this.liveDeviceIds(change, shareId);
    await change.manager.update(SharedDevice, { shareId, status: In(LIVE_DEVICE_STATUSES) }, { status, endedAt });
    return deviceIds;
  }

  async addDeviceRows(change: Change, share: Share, deviceIds: string[], status: SharedDeviceStatus) {
    const { id: shareId, enterpriseId } = share;
    const addedAt = change.now;
    await change.manager.insert(
      SharedDevice,
      deviceIds.map((deviceId) => ({ id: newId(), shareId, enterpriseId, deviceId, status, addedAt, endedAt: null })),
    );
  }

  /** Queues the invitation e-mail if the address has an account (else the sharer passes the link on); says which. */
  async inviteByMail(change: Change, share: Share): Promise<boolean> {
    if (!(await change.manager.existsBy(Account, { email: share.recipientEmail }))) return false;
    // Only the share id: the link and the code are rendered when the mail is sent (share-mails.ts).
    await change.mail(share.recipientEmail, 'invitation', { shareId: share.id });
    return true;
  }
}
