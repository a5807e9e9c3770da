import { In } from 'typeorm';
import type { Change } from '../../context/change';
import type { DevicePlan } from '../device/device-plan';
import type { Device } from '../device/device.entity';
import { isDegraded } from '../device/device-permissions';
import { ShareAction } from './share-lifecycle';
import { SharedDevice, type Share } from './share.entity';
import { LIVE_DEVICE_STATUSES, type ShareSteps } from './share-steps';

/**
 * What the shares of a device do when the device changes under them (the device facts of
 * device/device-facts.ts, wired in composition.ts), inside the device change's transaction: its
 * deletion takes it out of every live share (a share left without devices ends), a plan change
 * degrades or restores the shares whose grants it cuts.
 */
export class ShareDeviceReactions {
  constructor(private readonly steps: ShareSteps) {}

  /**
   * The owner deleted a device: every live share of it loses it (DELETED), in the deletion's
   * transaction; a share left without devices is cancelled.
   */
  async deviceDeleted(change: Change, deviceId: string): Promise<void> {
    for (const share of await this.liveSharesOf(change, deviceId)) {
      const live = await this.steps.liveDeviceIds(change, share.id);
      const next = this.steps.allow(share, ShareAction.DELETE_DEVICE, live.length - 1);
      await this.steps.takeOut(change, share, [deviceId], ShareAction.DELETE_DEVICE, next);
    }
  }

  /**
   * A device's plan changed: every live share of it whose grants the new plan cuts (or restores)
   * records DEGRADED (or RESTORED), in the plan change's transaction.
   */
  async planChanged(change: Change, device: Device, from: DevicePlan): Promise<void> {
    for (const share of await this.liveSharesOf(change, device.id)) {
      const was = isDegraded(share.permissions, from);
      const now = isDegraded(share.permissions, device.plan);
      if (was === now) continue;
      await this.steps.apply(change, share, now ? ShareAction.DEGRADE : ShareAction.RESTORE, {
        deviceIds: [device.id],
        details: { plan: device.plan },
        touch: false,
      });
    }
  }

  /** The shares that hold the device live, each locked, in id order (so that concurrent changes lock alike). */
  private async liveSharesOf(change: Change, deviceId: string): Promise<Share[]> {
    const rows = await change.manager.findBy(SharedDevice, { deviceId, status: In(LIVE_DEVICE_STATUSES) });
    const shares: Share[] = [];
    for (const shareId of [...new Set(rows.map((row) => row.shareId))].sort()) {
      shares.push((await this.steps.lock(change, shareId))!);
    }
    return shares;
  }
}
