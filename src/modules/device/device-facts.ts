import type { Change } from '../../context/change';
import type { DevicePlan } from './device-plan';
import type { Device } from './device.entity';

/**
 * What a device change means to the rest of devshare, told by the device module without knowing
 * who listens (composition.ts registers the share module's reactions). Each runs inside the
 * device change, so that what it writes commits or rolls back with it, and what it writes wakes
 * its after-commit work like any change's; a handler that throws fails the change.
 */
export interface DeviceFactHandlers {
  /** The owner is deleting the device (its row is still there). */
  deviceDeleted(change: Change, deviceId: string): Promise<void>;
  /** The device's plan changes from `from` to `device.plan`. */
  planChanged(change: Change, device: Device, from: DevicePlan): Promise<void>;
}
