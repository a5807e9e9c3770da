import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../context/request-context';
import type { DevicePlan } from './device-plan';
import type { Device } from './device.entity';

/**
 * What a device change means to the rest of devshare, told by the device module without knowing
 * who listens (composition.ts registers the share module's reactions). The first two run inside
 * the device change's transaction, so that what they write commits or rolls back with it; a
 * handler that throws fails the change. `committed` runs once it has committed.
 */
export interface DeviceFactHandlers {
  /** The owner is deleting the device (its row is still there). */
  deviceDeleted(manager: EntityManager, ctx: RequestContext, deviceId: string): Promise<void>;
  /** The device's plan changes from `from` to `device.plan`. */
  planChanged(manager: EntityManager, ctx: RequestContext, device: Device, from: DevicePlan): Promise<void>;
  /** A device change that told one of the facts above has committed. */
  deviceChangeCommitted(): void;
}
