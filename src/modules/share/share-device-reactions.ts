import { In, type EntityManager } from 'typeorm';
import type { RequestContext } from '../../context/request-context';
import type { DevicePlan } from '../device/device-plan';
import type { DeviceFactHandlers } from '../device/device-facts';
import type { Device } from '../device/device.entity';
import { isDegraded } from './share-permissions';
import { ShareAction } from './share-lifecycle';
import { SharedDevice } from './share.entity';
import { LIVE_DEVICE_STATUSES, type ShareSteps } from './share-steps';

/**
 * What the shares of a device do when the device changes under them, inside the device change's
 * transaction: its deletion takes it out of every live share (a share left without devices
 * ends), a plan change degrades or restores the shares whose grants it cuts.
 */
export class ShareDeviceReactions implements DeviceFactHandlers {
  constructor(private readonly steps: ShareSteps) {}

  /** Tells the share listeners (publisher, mail sender, scheduler) that a device change has committed. */
  deviceChangeCommitted(): void {
    this.steps.notifyChanged();
  }

  /**
   * The owner deleted a device: every live share of it loses it (DELETED), in the deletion's
   * transaction; a share left without devices is cancelled.
   */
  async deviceDeleted(manager: EntityManager, ctx: RequestContext, deviceId: string): Promise<void> {
    const rows = await manager.findBy(SharedDevice, { deviceId, status: In(LIVE_DEVICE_STATUSES) });
    for (const shareId of [...new Set(rows.map((row) => row.shareId))].sort()) {
      const share = (await this.steps.lock(manager, shareId))!;
      const live = await this.steps.liveDeviceIds(manager, share.id);
      const next = this.steps.allow(share, ShareAction.DELETE_DEVICE, live.length - 1);
      await this.steps.takeOut(manager, ctx, share, [deviceId], ShareAction.DELETE_DEVICE, next);
    }
  }

  /**
   * A device's plan changed: every live share of it whose grants the new plan cuts (or restores)
   * records DEGRADED (or RESTORED), in the plan change's transaction.
   */
  async planChanged(manager: EntityManager, ctx: RequestContext, device: Device, from: DevicePlan): Promise<void> {
    const rows = await manager.findBy(SharedDevice, { deviceId: device.id, status: In(LIVE_DEVICE_STATUSES) });
    for (const shareId of [...new Set(rows.map((row) => row.shareId))].sort()) {
      const share = (await this.steps.lock(manager, shareId))!;
      const was = isDegraded(share.permissions, from);
      const now = isDegraded(share.permissions, device.plan);
      if (was === now) continue;
      await this.steps.apply(manager, ctx, share, now ? ShareAction.DEGRADE : ShareAction.RESTORE, {
        deviceIds: [device.id],
        details: { plan: device.plan },
        touch: false,
      });
    }
  }
}
