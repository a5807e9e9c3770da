import { AppError, ErrorCode } from '../../common/errors';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import type { Database } from '../../database/database';
import { Account } from '../account/account.entity';
import { Device } from '../device/device.entity';
import { Enterprise, recipientLimitOf } from '../enterprise/enterprise.entity';
import { Membership } from '../enterprise/membership.entity';
import { SharedDeviceStatus, ShareStatus } from './share-lifecycle';
import { receiveDevice, type ShareFacts } from './share.policy';
import { judgeDevice, requestProblems, type DeviceVerdict, type ShareCandidate } from './share-rules';
import { Share, SharedDevice } from './share.entity';
import type { ShareDevicesInput } from './share.inputs';
import type { ShareCheck } from './share.outputs';
import { LIVE_DEVICE_STATUSES } from './share-steps';

/**
 * Whether devices can be shared (SPEC §2 "Creating a share", rules 1-6): the facts the pure
 * rules of share-rules.ts judge, read under the devices' row locks. `canShareDevices` answers
 * with it; shareDevices and addDevicesToShare refuse by it.
 */
export class ShareEligibility {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
    /** Distinct live recipients per device (SHARE_MAX_RECIPIENTS), unless the enterprise sets its own. */
    private readonly maxRecipients: number,
  ) {}

  /** The verdicts of `shareDevices` for this input, without writing anything. */
  async check(ctx: RequestContext, input: ShareDevicesInput): Promise<ShareCheck> {
    const enterpriseId = ctx.actingEnterpriseId();
    // In a change of its own (that writes nothing) so that it sees the facts the way shareDevices
    // would. One statement after the other: in a transaction they share one connection.
    const [problems, verdicts] = await this.changes.run(ctx, async (change) => [
      await this.requestProblems(change, enterpriseId, input),
      await this.judgeDevices(change, enterpriseId, input.deviceIds, input.recipientEmail),
    ]);
    return {
      canShare: problems.length === 0 && verdicts.every((verdict) => verdict.code === null),
      problems,
      devices: verdicts.map((verdict) => ({ ...verdict, canShare: verdict.code === null })),
    };
  }

  /** Rule 6 for a new share: BAD_USER_INPUT problems of the request as a whole. */
  async requestProblems(change: Change, enterpriseId: string, input: ShareDevicesInput): Promise<string[]> {
    const recipientIsMember = await change.manager
      .createQueryBuilder(Membership, 'm')
      .innerJoin(Account, 'a', 'a.id = m.accountId')
      .where('m.enterpriseId = :enterpriseId', { enterpriseId })
      .andWhere('a.email = :email', { email: input.recipientEmail })
      .getExists();
    return requestProblems({
      sharerEmail: change.ctx.requireViewer().account.email,
      recipientEmail: input.recipientEmail,
      permissions: input.permissions,
      expiresAt: input.expiresAt ?? null,
      now: change.now,
      recipientIsMember,
    });
  }

  /**
   * Rules 1-5 for each device, from facts gathered under the devices' row locks (PostgreSQL),
   * so that concurrent requests for one device are judged one after the other. Devices already
   * live in `intoShareId` are refused with CONFLICT.
   */
  async judgeDevices(
    change: Change,
    enterpriseId: string,
    requestedIds: string[],
    recipientEmail: string,
    intoShareId?: string,
  ): Promise<DeviceVerdict[]> {
    const viewer = change.ctx.requireViewer();
    const actor = change.ctx.requireActor();
    const deviceIds = [...new Set(requestedIds)].sort();
    const devices = await this.db
      .forUpdate(
        change.manager.createQueryBuilder(Device, 'device').where('device.id IN (:...deviceIds)', { deviceIds }),
      )
      .orderBy('device.id')
      .getMany();
    const byId = new Map(devices.map((device) => [device.id, device]));
    const live = await change.manager
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
    const membership = await change.manager.findOneBy(Membership, { enterpriseId, accountId: viewer.account.id });
    const enterprise = await change.manager.findOneByOrFail(Enterprise, { id: enterpriseId });

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
      return judgeDevice(candidate, recipientEmail, recipientLimitOf(enterprise.settings, this.maxRecipients));
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
export function refuseIfAny(verdicts: DeviceVerdict[]): void {
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
