import type { EntityManager } from 'typeorm';
import { AppError, badInput, ErrorCode, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { addressBucket, type Limiter, type RateLimit } from '../../common/rate-limits';
import type { RequestContext } from '../../context/request-context';
import type { Database } from '../../database/database';
import { Account } from '../account/account.entity';
import { Device } from '../device/device.entity';
import type { DataCenter } from '../enterprise/data-center';
import { Enterprise } from '../enterprise/enterprise.entity';
import { ShareInvitations } from './share-invitation';
import { SharedDeviceStatus, ShareStatus } from './share-lifecycle';
import type { ShareInvitationPreview } from './share-invitation.outputs';
import { Share, SharedDevice } from './share.entity';
import { receiveShare } from './share.policy';

/**
 * Previews whose link token does not verify, per client address: a token is 256 bits of HMAC, so
 * guessing is hopeless anyway; this keeps an address from trying (and from costing a database
 * read per try) more than a person mistyping a link ever would.
 */
export const INVALID_PREVIEWS_PER_ADDRESS: RateLimit = { points: 30, durationSeconds: 15 * 60 };

/** Far longer than any token (`<uuid>.<43 characters>`): anything longer is not even looked at. */
const MAX_TOKEN_LENGTH = 200;

/** What an invitation offers, as both its e-mail and its preview tell it. */
export interface InvitationDetails {
  share: Share;
  sharerName: string;
  enterpriseName: string;
  dataCenter: DataCenter;
  /** The share's live devices (PENDING or ACTIVE), by name. */
  devices: { name: string; model: string }[];
}

/**
 * Reads what an invitation says about its share: the sharer's and their enterprise's names, the
 * enterprise's data center, and the name and model of each device still in the share. Nothing
 * else of the devices is read. Null when the sharer or the enterprise is gone.
 */
export async function readInvitationDetails(manager: EntityManager, share: Share): Promise<InvitationDetails | null> {
  // One statement after the other: inside a transaction they share one connection (pg refuses overlap).
  const sharer = await manager.findOne(Account, { where: { id: share.sharerId }, select: { id: true, name: true } });
  const enterprise = await manager.findOne(Enterprise, {
    where: { id: share.enterpriseId },
    select: { id: true, name: true, dataCenter: true },
  });
  const devices = await manager
    .createQueryBuilder(SharedDevice, 'sd')
    .innerJoin(Device, 'device', 'device.id = sd.deviceId')
    .select('device.name', 'name')
    .addSelect('device.model', 'model')
    .where('sd.shareId = :shareId', { shareId: share.id })
    .andWhere('sd.status IN (:...live)', { live: [SharedDeviceStatus.PENDING, SharedDeviceStatus.ACTIVE] })
    .orderBy('device.name')
    .addOrderBy('device.model')
    .addOrderBy('device.id')
    .getRawMany<{ name: string; model: string }>();
  if (!sharer || !enterprise) return null;
  return {
    share,
    sharerName: sharer.name,
    enterpriseName: enterprise.name,
    dataCenter: enterprise.dataCenter,
    devices: devices.map(({ name, model }) => ({ name, model })),
  };
}

/**
 * An invitation that expired unanswered: its deadline has passed (whether or not the expiry sweep
 * has got to it yet) and it was never accepted. A share that was accepted and ended later is not
 * an expired invitation: its preview says what became of it.
 */
function expiredUnanswered(share: Share, now: Date): boolean {
  if (share.acceptedAt) return false;
  return (
    share.status === ShareStatus.EXPIRED || (share.status === ShareStatus.PENDING && share.invitationExpiresAt <= now)
  );
}

const invalidLink = () => notFound('Invitation');

/**
 * The invitation preview (SPEC §2, "Accepting"): what the accept page shows to whoever opens a
 * share link, before they log in or even have an account. The link token is the only credential,
 * so the preview tells only what the invitation e-mail tells (sharer, enterprise, devices' names
 * and models, permissions, expiry, deadline, data center) and the share's status; never an id, a
 * recipient, a description, or anything else of the devices.
 */
export class ShareInvitationService {
  constructor(
    private readonly db: Database,
    private readonly invitations: ShareInvitations,
    /** Spent before a token is checked, given back when it verifies: see INVALID_PREVIEWS_PER_ADDRESS. */
    private readonly invalidPreviews: Limiter,
  ) {}

  /** The preview by link token, or by share id for its logged-in recipient: exactly one of them. */
  previewBy(
    ctx: RequestContext,
    by: { token?: string | null; shareId?: string | null },
  ): Promise<ShareInvitationPreview> {
    if ((by.token == null) === (by.shareId == null)) throw badInput('Give the link token or the shareId, not both');
    return by.token != null ? this.preview(ctx, by.token) : this.previewForRecipient(ctx, by.shareId!);
  }

  /**
   * The preview of the invitation a link token carries. A token that does not verify (malformed,
   * unknown share, tampered) answers NOT_FOUND, whatever is wrong with it; an invitation that
   * expired unanswered answers INVITATION_EXPIRED. Any other share answers its preview with its
   * status; once it is no longer PENDING, the devices are left out (the link offers none any more).
   */
  async preview(ctx: RequestContext, token: string): Promise<ShareInvitationPreview> {
    const address = addressBucket(ctx.clientAddress);
    await this.invalidPreviews.consume(address);
    const share = await this.verifiedShare(token);
    if (!share) throw invalidLink();
    await this.invalidPreviews.reward(address);
    return this.previewOf(ctx, share);
  }

  /**
   * The same preview for the logged-in recipient of an invitation, by share id (SPEC §2): the share
   * must be an invitation the viewer receives (`receiveShare`, not accepted yet), else NOT_FOUND.
   */
  async previewForRecipient(ctx: RequestContext, shareId: string): Promise<ShareInvitationPreview> {
    const actor = ctx.requireActor();
    const share = isId(shareId) ? await this.db.manager.findOneBy(Share, { id: shareId }) : null;
    if (!share || share.recipientId !== null || !receiveShare.allows(actor, share)) throw invalidLink();
    return this.previewOf(ctx, share);
  }

  private async previewOf(ctx: RequestContext, share: Share): Promise<ShareInvitationPreview> {
    if (expiredUnanswered(share, ctx.clock.now())) {
      throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired: ask the sharer for a new one');
    }
    const details = await readInvitationDetails(this.db.manager, share);
    if (!details) throw invalidLink();
    const devices = share.status === ShareStatus.PENDING ? details.devices : [];
    return {
      status: share.status,
      sharerName: details.sharerName,
      sharerEnterpriseName: details.enterpriseName,
      dataCenter: details.dataCenter,
      devices,
      deviceCount: devices.length,
      permissions: share.permissions,
      expiresAt: share.expiresAt,
      invitationExpiresAt: share.invitationExpiresAt,
    };
  }

  /** The share whose link `token` is, or null when the token is not one (in constant time once the share is read). */
  private async verifiedShare(token: string): Promise<Share | null> {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    const shareId = ShareInvitations.shareIdOf(token);
    // An id that is no UUID never reaches the database (PostgreSQL would refuse it with an error).
    if (!shareId || !isId(shareId)) return null;
    const share = await this.db.manager.findOneBy(Share, { id: shareId });
    return share && this.invitations.verifyToken(share, token) ? share : null;
  }
}
