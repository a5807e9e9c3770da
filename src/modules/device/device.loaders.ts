import { byForeignKey, byId } from '../../context/loaders';
import { NotificationPolicyDevice } from '../notification/notification-policy.entity';
import { DeviceGroup } from './device-group.entity';
import { Device } from './device.entity';

/** A device by id (`ctx.loaders.of(deviceById)`): what the access rules then check is the caller's. */
export const deviceById = byId(Device, 'Device');
/** A device group by id. */
export const deviceGroupById = byId(DeviceGroup, 'Device group');
/** The child groups of a group, by parent id. */
export const childGroups = byForeignKey(DeviceGroup, 'parentId');
/** The groups of an enterprise, by enterprise id. */
export const groupsOfEnterprise = byForeignKey(DeviceGroup, 'enterpriseId');
/** The devices a notification policy covers, by policy id. */
export const devicesOfPolicy = byForeignKey(NotificationPolicyDevice, 'policyId');
