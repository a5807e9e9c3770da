import { forbidden, notFound } from '../../common/errors';
import { Role } from '../../common/roles';
import type { FieldRules } from '../../context/auth-checker';
import { FieldRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import { effectivePermissions, Permission } from '../share/share-permissions';
import type { Device } from './device.entity';

/** Whether the viewer is a member of the enterprise that owns the device. */
export const isOwnerMember = (ctx: RequestContext, device: Device): boolean =>
  ctx.roleIn(device.enterpriseId) !== undefined;

/** What the viewer may do with a device shared to it: its grants, less what the plan takes away. */
export async function sharedPermissions(ctx: RequestContext, device: Device): Promise<Permission[]> {
  return effectivePermissions(await ctx.loaders.grants.load(device.id), device.plan);
}

/** Owner members see a device; so do recipients of an ACTIVE share of it (SPEC §4). */
export async function canSeeDevice(ctx: RequestContext, device: Device): Promise<boolean> {
  return isOwnerMember(ctx, device) || (await ctx.loaders.grants.load(device.id)).length > 0;
}

/**
 * Checks that the viewer may use `permission` on a device: owner ADMINs and OPERATORs may do all
 * that the device's plan allows; recipients of an ACTIVE share what it grants, less what the plan
 * takes away (SPEC §3). A device the viewer cannot see is NOT_FOUND; anything else FORBIDDEN,
 * saying whether the role, the share or the plan stands in the way.
 */
export async function requireDevicePermission(
  ctx: RequestContext,
  device: Device,
  permission: Permission,
): Promise<void> {
  ctx.requireViewer();
  const role = ctx.roleIn(device.enterpriseId);
  if (role === Role.VIEWER) throw forbidden('VIEWERs do not operate devices');
  const granted = role ? Object.values(Permission) : await ctx.loaders.grants.load(device.id);
  if (!role && granted.length === 0) throw notFound('Device');
  if (!granted.includes(permission)) throw forbidden(`Your share of this device does not grant ${permission}`);
  if (!effectivePermissions(granted, device.plan).includes(permission)) {
    throw forbidden(`${permission} is not available on the ${device.plan} plan`);
  }
}

/** SPEC §4 for devices: who reads which field of a device it can see. */
export const deviceFieldRules: FieldRules = {
  [FieldRule.DeviceOwnerMember]: (device, ctx) => isOwnerMember(ctx, device as Device),
  [FieldRule.DeviceMonitor]: async (device, ctx) =>
    isOwnerMember(ctx, device as Device) ||
    (await sharedPermissions(ctx, device as Device)).includes(Permission.MONITOR),
  [FieldRule.DeviceConfiguration]: async (device, ctx) => {
    const role = ctx.roleIn((device as Device).enterpriseId);
    if (role === Role.ADMIN || role === Role.OPERATOR) return true;
    return !role && (await sharedPermissions(ctx, device as Device)).includes(Permission.CONFIGURE);
  },
};
