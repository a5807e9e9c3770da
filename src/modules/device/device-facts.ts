import { fact } from '../../context/change';
import type { DevicePlan } from './device-plan';
import type { Device } from './device.entity';

/*
 * What a device change means to the rest of devshare, told with `change.emit` by the device module
 * without knowing who listens (composition.ts registers the share module's reactions). Each
 * reaction runs inside the device change: see `Reaction`.
 */

/** The owner is deleting the device (its row is still there). */
export const DeviceDeleted = fact<{ deviceId: string }>('device deleted');

/** The device's plan changes from `from` to `device.plan` (`device` as it will be). */
export const DevicePlanChanged = fact<{ device: Device; from: DevicePlan }>('device plan changed');
