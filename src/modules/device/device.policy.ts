import { anyOf, type AccessRule } from '../../common/access';
import { forbidden, notFound } from '../../common/errors';
import { Role } from '../../common/roles';
import type { FieldRules } from '../../context/auth-checker';
import { FieldRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import { grantsLoader } from '../share/share-access.loaders';
import { effectivePermissions, Permission } from './device-permissions';
import { receiveDevice, type ShareAlias, type ShareFacts, type SharedDeviceFacts } from '../share/share.policy';
import type { Device } from './device.entity';

/** What the device rule reads of a device, and of the shares it is in. */
export interface DeviceFacts {
  device: { enterpriseId: string };
  /** The device's rows in shares, each with its share. */
  inShares: { share: ShareFacts; sharedDevice: SharedDeviceFacts }[];
}

/**
 * Who sees a device (SPEC §4): the members of the enterprise that owns it, and whoever receives it
 * through a share (`receiveDevice`: its recipient, while acting in the receiving enterprise). The
 * SQL form scopes a query of `device` LEFT JOINed with its shared-device rows and their shares.
 */
export const seeDevice: AccessRule<DeviceFacts, ShareAlias & { device: string; sharedDevice: string }> = {
  allows: (actor, { device, inShares }) =>
    actor.roles.has(device.enterpriseId) || inShares.some((row) => receiveDevice.allows(actor, row)),
  scope: (actor, aliases) => {
    const received = receiveDevice.scope(actor, aliases);
    const memberOf = [...actor.roles.keys()];
    return {
      where: anyOf([memberOf.length > 0 && `${aliases.device}.enterpriseId IN (:...accessMemberOf)`, received.where]),
      params: { ...received.params, accessMemberOf: memberOf },
    };
  },
};

/** Whether the viewer is a member of the enterprise that owns the device. */
export const isOwnerMember = (ctx: RequestContext, device: Device): boolean =>
  ctx.roleIn(device.enterpriseId) !== undefined;

/** What the viewer may do with a device shared to it: its grants, less what the plan takes away. */
export async function sharedPermissions(ctx: RequestContext, device: Device): Promise<Permission[]> {
  return effectivePermissions(await ctx.loaders.of(grantsLoader).load(device.id), device.plan);
}

/**
 * `seeDevice` for a loaded device: owner members see it; so does the recipient of an ACTIVE share
 * of it, while acting in the enterprise the share was accepted into (the grants loader is
 * `receiveDevice` in SQL, one statement for all the devices of a query).
 */
export async function canSeeDevice(ctx: RequestContext, device: Device): Promise<boolean> {
  return isOwnerMember(ctx, device) || (await ctx.loaders.of(grantsLoader).load(device.id)).length > 0;
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
  const granted = role ? Object.values(Permission) : await ctx.loaders.of(grantsLoader).load(device.id);
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
