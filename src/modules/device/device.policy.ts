import { Role } from '../../common/roles';
import { FieldRule } from '../../context/field-rule';
import type { FieldRules } from '../../context/auth-checker';
import type { RequestContext } from '../../context/request-context';
import type { Device } from './device.entity';

/** Whether the viewer is a member of the enterprise that owns the device. */
export const isOwnerMember = (ctx: RequestContext, device: Device): boolean =>
  ctx.roleIn(device.enterpriseId) !== undefined;

/** SPEC §4 for devices: who reads which field of a device it can see. */
export const deviceFieldRules: FieldRules = {
  [FieldRule.DeviceOwnerMember]: (device, ctx) => isOwnerMember(ctx, device as Device),
  [FieldRule.DeviceMonitor]: (device, ctx) => isOwnerMember(ctx, device as Device),
  [FieldRule.DeviceConfiguration]: (device, ctx) => {
    const role = ctx.roleIn((device as Device).enterpriseId);
    return role === Role.ADMIN || role === Role.OPERATOR;
  },
};
