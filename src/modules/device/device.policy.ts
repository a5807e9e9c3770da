import type DataLoader from 'dataloader';
import type { SelectQueryBuilder } from 'typeorm';
import type { Actor } from '../../common/access';
import { forbidden, notFound } from '../../common/errors';
import { Role } from '../../common/roles';
import type { FieldRules } from '../../context/auth-checker';
import { FieldRule } from '../../context/field-rule';
import type { LoaderFactory } from '../../context/loaders';
import type { RequestContext } from '../../context/request-context';
import { effectivePermissions, Permission } from './device-permissions';
import type { Device } from './device.entity';

/**
 * How a device reaches a viewer who is not a member of the enterprise that owns it (SPEC §4).
 * The device module knows only ownership; the share module provides this (share/device-reach.ts:
 * the recipient of an ACTIVE share, acting in the enterprise it was accepted into), and
 * composition.ts and schema.ts hand it to the device module through `deviceAccess`.
 */
export interface DeviceReach {
  /** Per device id, the permissions the viewer holds on it from outside its owner (before the plan takes its part); none when it does not reach the viewer. */
  readonly grants: LoaderFactory<DataLoader<string, Permission[]>>;
  /**
   * Narrows a query of devices (alias `device`) to those the actor sees: its owner's members, and
   * those it reaches. The SQL form of `canSee`, joining whatever it reads.
   */
  scopeSeen(query: SelectQueryBuilder<Device>, actor: Actor): SelectQueryBuilder<Device>;
}

/** Whether the viewer is a member of the enterprise that owns the device. */
export const isOwnerMember = (ctx: RequestContext, device: Device): boolean =>
  ctx.roleIn(device.enterpriseId) !== undefined;

/** Who sees, reads and operates a device (SPEC §3, §4), given how devices reach viewers. */
export type DeviceAccess = ReturnType<typeof deviceAccess>;

/** The device rules over `reach`: one set for the app, made where the reach is known (share/device-reach.ts). */
export function deviceAccess(reach: DeviceReach) {
  const grantsOf = (ctx: RequestContext, device: Device) => ctx.loaders.of(reach.grants).load(device.id);

  /** What the viewer may do with a device that reaches it: its grants, less what the plan takes away. */
  async function sharedPermissions(ctx: RequestContext, device: Device): Promise<Permission[]> {
    return effectivePermissions(await grantsOf(ctx, device), device.plan);
  }

  /**
   * Whether the viewer sees a loaded device: owner members do, and so does whoever it reaches (the
   * grants loader is the reach in SQL, one statement for all the devices of a query).
   */
  async function canSee(ctx: RequestContext, device: Device): Promise<boolean> {
    return isOwnerMember(ctx, device) || (await grantsOf(ctx, device)).length > 0;
  }

  /**
   * Checks that the viewer may use `permission` on a device: owner ADMINs and OPERATORs may do all
   * that the device's plan allows; recipients of an ACTIVE share what it grants, less what the plan
   * takes away (SPEC §3). A device the viewer cannot see is NOT_FOUND; anything else FORBIDDEN,
   * saying whether the role, the share or the plan stands in the way.
   */
  async function requirePermission(ctx: RequestContext, device: Device, permission: Permission): Promise<void> {
    ctx.requireViewer();
    const role = ctx.roleIn(device.enterpriseId);
    if (role === Role.VIEWER) throw forbidden('VIEWERs do not operate devices');
    const granted = role ? Object.values(Permission) : await grantsOf(ctx, device);
    if (!role && granted.length === 0) throw notFound('Device');
    if (!granted.includes(permission)) throw forbidden(`Your share of this device does not grant ${permission}`);
    if (!effectivePermissions(granted, device.plan).includes(permission)) {
      throw forbidden(`${permission} is not available on the ${device.plan} plan`);
    }
  }

  /** Whether the device reaches the viewer with `permission` (a promise: the grants may need loading). */
  const reachesWith = (ctx: RequestContext, device: Device, permission: Permission) =>
    sharedPermissions(ctx, device).then((permissions) => permissions.includes(permission));

  /** SPEC §4 for devices: who reads which field of a device it can see (owner members at once). */
  const fieldRules: FieldRules = {
    [FieldRule.DeviceOwnerMember]: (device, ctx) => isOwnerMember(ctx, device as Device),
    [FieldRule.DeviceMonitor]: (device, ctx) =>
      isOwnerMember(ctx, device as Device) || reachesWith(ctx, device as Device, Permission.MONITOR),
    [FieldRule.DeviceConfiguration]: (device, ctx) => {
      const role = ctx.roleIn((device as Device).enterpriseId);
      if (role === Role.ADMIN || role === Role.OPERATOR) return true;
      return !role && reachesWith(ctx, device as Device, Permission.CONFIGURE);
    },
  };

  return { scopeSeen: reach.scopeSeen, sharedPermissions, canSee, requirePermission, fieldRules };
}
