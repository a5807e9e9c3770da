/* What a recipient may do with a shared device (SPEC §3): pure functions, no I/O. */
import { DevicePlan } from '../device/device-plan';

export enum Permission {
  /** Status, telemetry, firmware version, online / last seen. */
  MONITOR = 'MONITOR',
  /** Read and change the configuration. */
  CONFIGURE = 'CONFIGURE',
  /** Remote reboot, diagnostics. */
  CONTROL = 'CONTROL',
  /** Firmware upgrade. */
  FIRMWARE = 'FIRMWARE',
  /** Apply licenses. */
  LICENSE = 'LICENSE',
  /** Generate and download reports. */
  REPORTS = 'REPORTS',
  /** Add the device to the recipient enterprise's notification policies. */
  NOTIFICATIONS = 'NOTIFICATIONS',
}

/** The permissions a BASIC plan keeps; every other one is lost until the plan is raised. */
export const KEPT_ON_BASIC: ReadonlySet<Permission> = new Set([Permission.MONITOR, Permission.REPORTS]);

/** Effective permissions = granted ∩ what the device's plan allows, in a stable order. */
export function effectivePermissions(granted: readonly Permission[], plan: DevicePlan): Permission[] {
  const allowed = plan === DevicePlan.BASIC ? (p: Permission) => KEPT_ON_BASIC.has(p) : () => true;
  return Object.values(Permission).filter((permission) => granted.includes(permission) && allowed(permission));
}

/** A share is degraded on a device when the device's plan takes away some of what was granted. */
export const isDegraded = (granted: readonly Permission[], plan: DevicePlan): boolean =>
  effectivePermissions(granted, plan).length < new Set(granted).size;
