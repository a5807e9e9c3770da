import { badInput, forbidden } from '../../common/errors';
import { newId } from '../../common/ids';
import { Role } from '../../common/roles';
import type { Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { insertNew, type Database } from '../../database/database';
import { ShareInvitations } from './share-invitation';
import {
  CREATION,
  deviceStatusFor,
  LIVE_SHARE_STATUSES,
  ShareAction,
  SharedDeviceStatus,
  ShareStatus,
} from './share-lifecycle';
import { manageShare } from './share.policy';
import { expiryProblem, invitationDeadline } from './share-rules';
import { Share } from './share.entity';
import type { ExtendShareInput, ShareDevicesInput } from './share.inputs';
import type { ShareInvitation } from './share.outputs';
import type { ShareSteps } from './share-steps';
import { refuseIfAny, type ShareEligibility } from './share-eligibility';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The sharer's side of the lifecycle (SPEC §2): share, re-send, copy the link, add devices,
 * extend and cancel. Each command locks what it reads (as the share's manager, `manageShare`),
 * checks, and applies one step, in one Change.
 */
export class ShareCommands {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
    private readonly steps: ShareSteps,
    private readonly eligibility: ShareEligibility,
    private readonly invitations: ShareInvitations,
  ) {}

  /**
   * Creates a PENDING share of devices of the acting enterprise. When any device cannot be
   * shared, nothing is written and the error lists every refused device with its reason.
   */
  async share(ctx: RequestContext, input: ShareDevicesInput): Promise<ShareInvitation> {
    const viewer = ctx.requireViewer();
    const enterpriseId = ctx.actingEnterpriseId();
    const { share, emailSent } = await this.changes.run(ctx, async (change) => {
      const now = change.now;
      const problems = await this.eligibility.requestProblems(change, enterpriseId, input);
      if (problems.length) throw badInput(problems.join('; '), { problems });
      const verdicts = await this.eligibility.judgeDevices(change, enterpriseId, input.deviceIds, input.recipientEmail);
      refuseIfAny(verdicts);
      const expiresAt = input.expiresAt ?? null;
      const created = await insertNew(change.manager, Share, {
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
      await this.steps.addDeviceRows(change, created, deviceIds, SharedDeviceStatus.PENDING);
      await this.steps.record(change, created, CREATION, null, deviceIds);
      return { share: created, emailSent: await this.steps.inviteByMail(change, created) };
    });
    return this.invitationOf(share, emailSent);
  }

  /** The same link again, for the sharer to pass on ("Copy Sharing Link"). */
  async link(ctx: RequestContext, shareId: string): Promise<string> {
    const share = await this.changes.run(ctx, (change) =>
      this.steps.lockManaged(change, shareId, ShareAction.COPY_LINK),
    );
    return this.invitations.link(share);
  }

  /** A fresh confirmation code (which also unlocks a locked one) and a new invitation e-mail. */
  async resendInvitation(ctx: RequestContext, shareId: string): Promise<ShareInvitation> {
    const { share, emailSent } = await this.changes.run(ctx, async (change) => {
      const locked = await this.steps.lockManaged(change, shareId, ShareAction.RESEND_INVITATION);
      await this.steps.apply(change, locked, ShareAction.RESEND_INVITATION, {
        changes: {
          codeNonce: ShareInvitations.newNonce(),
          codeFailures: 0,
          invitationExpiresAt: invitationDeadline(change.now, locked.expiresAt),
        },
      });
      return { share: locked, emailSent: await this.steps.inviteByMail(change, locked) };
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

  /** Ends the whole share ("cancel sharing for all devices"). */
  cancel(ctx: RequestContext, shareId: string): Promise<Share> {
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockManaged(change, shareId, ShareAction.CANCEL);
      return this.steps.end(change, share, ShareAction.CANCEL);
    });
  }

  /** Takes some devices out of a share; the share is cancelled when none is left. */
  cancelDevices(ctx: RequestContext, shareId: string, deviceIds: string[]): Promise<Share> {
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockManaged(change, shareId, ShareAction.CANCEL_DEVICES);
      const live = await this.steps.liveDeviceIds(change, share.id);
      const wanted = [...new Set(deviceIds)];
      const missing = wanted.filter((id) => !live.includes(id));
      if (missing.length) throw badInput(`Not in this share (or no longer shared): ${missing.join(', ')}`);
      const next = this.steps.allow(share, ShareAction.CANCEL_DEVICES, live.length - wanted.length);
      await this.steps.takeOut(change, share, wanted, ShareAction.CANCEL_DEVICES, next);
      return share;
    });
  }

  /** Adds devices to a PENDING or ACTIVE share (rules 1-5); they take its permissions and status. */
  addDevices(ctx: RequestContext, shareId: string, deviceIds: string[]): Promise<Share> {
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockManaged(change, shareId, ShareAction.ADD_DEVICES);
      const verdicts = await this.eligibility.judgeDevices(
        change,
        share.enterpriseId,
        deviceIds,
        share.recipientEmail,
        share.id,
      );
      refuseIfAny(verdicts);
      const added = verdicts.map((verdict) => verdict.deviceId);
      await this.steps.addDeviceRows(change, share, added, deviceStatusFor(share.status));
      await this.steps.apply(change, share, ShareAction.ADD_DEVICES, { deviceIds: added });
      return share;
    });
  }

  /**
   * Extends a share that has an expiry: `byDays` from its current expiry, or `until` a later
   * instant (at most 10 years ahead).
   */
  async extend(ctx: RequestContext, input: ExtendShareInput): Promise<Share> {
    if ((input.byDays == null) === (input.until == null)) throw badInput('Give either byDays or until');
    return this.changes.run(ctx, async (change) => {
      const share = await this.steps.lockManaged(change, input.shareId, ShareAction.EXTEND);
      if (!share.expiresAt) throw badInput('This share never expires: there is nothing to extend');
      const expiresAt = input.until ?? new Date(share.expiresAt.getTime() + input.byDays! * DAY_MS);
      if (expiresAt <= share.expiresAt) throw badInput('The new expiry must be later than the current one');
      const problem = expiryProblem(expiresAt, change.now);
      if (problem) throw badInput(problem);
      await this.steps.apply(change, share, ShareAction.EXTEND, {
        deviceIds: await this.steps.liveDeviceIds(change, share.id),
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
    return this.changes.run(ctx, async (change) => {
      const query = change.manager
        .createQueryBuilder(Share, 'share')
        .where('share.enterpriseId = :enterpriseId', { enterpriseId })
        .andWhere('share.recipientEmail = :recipientEmail', { recipientEmail })
        .andWhere('share.status IN (:...live)', { live: LIVE_SHARE_STATUSES })
        .andWhere(managed.where, managed.params)
        .orderBy('share.id');
      const shares = await this.db.forUpdate(query).getMany();
      for (const share of shares) await this.steps.end(change, share, ShareAction.CANCEL);
      return shares;
    });
  }
}
