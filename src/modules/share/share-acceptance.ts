import { LessThan, MoreThan } from 'typeorm';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import type { Limiter } from '../../common/rate-limits';
import { Role } from '../../common/roles';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import type { Database } from '../../database/database';
import { Enterprise } from '../enterprise/enterprise.entity';
import type { DataCenter } from '../enterprise/data-center';
import { Membership } from '../enterprise/membership.entity';
import { ShareInvitations } from './share-invitation';
import { deviceStatusFor, ShareAction, ShareStatus } from './share-lifecycle';
import { Share } from './share.entity';
import type { AcceptShareInput } from './share.inputs';
import type { ShareSteps } from './share-steps';

const MAX_CODE_FAILURES = 5;

/**
 * Makes the enterprise a recipient asks for while accepting (`newEnterprise`), inside the accepting
 * change, with the recipient as its ADMIN (the enterprise module's createIn; composition.ts).
 */
export interface NewEnterprises {
  createIn(change: Change, input: { name: string; dataCenter: DataCenter }): Promise<{ id: string }>;
}

/**
 * The recipient's side of the lifecycle (SPEC §2): accept an invitation (with its link token, or
 * its share id and confirmation code, at most five codes compared per code sent), decline it,
 * leave an accepted share or remove one of its devices (`receiveShare`).
 */
export class ShareAcceptance {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
    private readonly steps: ShareSteps,
    private readonly enterprises: NewEnterprises,
    private readonly invitations: ShareInvitations,
    /**
     * Failed acceptShare attempts per account (ACCEPT_SHARE_FAILURES_PER_ACCOUNT), whatever shares
     * they target: on top of the five codes per share, it keeps an account from guessing across
     * many shares at once.
     */
    private readonly acceptAttempts: Limiter,
  ) {}

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
    const reserved = !input.token && (await this.reserveCodeAttempt(shareId, viewer.verifiedEmail));
    /** The nonce of the code that compared right, while the acceptance is not yet committed. */
    let rightCodeNonce: string | null = null;
    try {
      const accepted = await this.changes.run(ctx, async (change) => {
        const share = await this.steps.lock(change, shareId);
        if (!share || (input.token && !this.invitations.verifyToken(share, input.token))) throw notFound('Share');
        if (share.recipientEmail !== viewer.verifiedEmail) {
          throw forbidden(
            share.recipientEmail === viewer.account.email
              ? 'Verify your e-mail address first: use the token of the verification mail with verifyEmail'
              : 'This share was sent to another e-mail address: log in with that one',
          );
        }
        const next = this.steps.allow(share, ShareAction.ACCEPT);
        if (share.invitationExpiresAt <= change.now) {
          throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired: ask for a new one');
        }
        if (!input.token) {
          if (!reserved) throw codeLocked();
          if (!this.invitations.verifyCode(share, input.code!)) throw wrongCode(share.codeFailures);
          rightCodeNonce = share.codeNonce;
        }
        const receivingEnterpriseId = await this.receivingEnterprise(change, share, input);
        const deviceIds = await this.steps.moveLiveDevices(change, share.id, deviceStatusFor(next), null);
        await this.steps.apply(change, share, ShareAction.ACCEPT, {
          next,
          deviceIds,
          changes: { recipientId: viewer.account.id, receivingEnterpriseId, acceptedAt: change.now },
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

  /**
   * The recipient turns an invitation down: the share is CANCELLED (DECLINED) with its devices,
   * and the sharer is told. An invitation past its deadline answers INVITATION_EXPIRED, as
   * accepting it would.
   */
  decline(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockReceived(change, shareId, ShareAction.DECLINE);
      if (share.invitationExpiresAt <= change.now) {
        throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired: there is nothing to decline');
      }
      return this.steps.end(change, share, ShareAction.DECLINE);
    });
  }

  /**
   * The recipient gives up an accepted share at once: every live device REMOVED, the share
   * CANCELLED (LEFT_BY_RECIPIENT), and the sharer is told.
   */
  leave(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockReceived(change, shareId, ShareAction.LEAVE);
      return this.steps.end(change, share, ShareAction.LEAVE);
    });
  }

  /** The recipient removes a device from their own view; the share ends with its last device. */
  removeDevice(ctx: RequestContext, shareId: string, deviceId: string): Promise<Share> {
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockReceived(change, shareId, ShareAction.REMOVE_DEVICE);
      const live = await this.steps.liveDeviceIds(change, share.id);
      const next = this.steps.allow(share, ShareAction.REMOVE_DEVICE, live.length - 1);
      if (!live.includes(deviceId)) throw notFound('Shared device');
      await this.steps.takeOut(change, share, [deviceId], ShareAction.REMOVE_DEVICE, next);
      return share;
    });
  }

  /** The enterprise the recipient receives the devices in; it must be in the devices' data center. */
  private async receivingEnterprise(change: Change, share: Share, input: AcceptShareInput): Promise<string> {
    const owner = await change.manager.findOneByOrFail(Enterprise, { id: share.enterpriseId });
    if (input.newEnterprise) {
      const created = await this.enterprises.createIn(change, {
        name: input.newEnterprise.name,
        dataCenter: owner.dataCenter,
      });
      return created.id;
    }
    const enterpriseId = input.enterpriseId ?? change.ctx.actingEnterpriseId();
    const accountId = change.ctx.requireViewer().account.id;
    const membership = await change.manager.findOneBy(Membership, { enterpriseId, accountId });
    if (!membership) throw notFound('Enterprise');
    if (membership.role === Role.VIEWER) throw forbidden('A VIEWER cannot receive shared devices into an enterprise');
    const receiving = await change.manager.findOneByOrFail(Enterprise, { id: enterpriseId });
    if (receiving.dataCenter !== owner.dataCenter) {
      throw new AppError(
        ErrorCode.DATA_CENTER_MISMATCH,
        `The devices live in data center ${owner.dataCenter.toUpperCase()}: accept into an enterprise there, or create one with newEnterprise`,
        { dataCenter: owner.dataCenter.toUpperCase() },
      );
    }
    return receiving.id;
  }
}

const codeLocked = () =>
  new AppError(ErrorCode.CODE_LOCKED, 'Too many wrong codes: ask the sharer to send the invitation again');

/** `failures`: the attempts counted on this code so far, this one included. */
const wrongCode = (failures: number) =>
  failures >= MAX_CODE_FAILURES
    ? codeLocked()
    : badInput(`Wrong confirmation code: ${MAX_CODE_FAILURES - failures} attempts left`);
