/**
 * Names of the field-level read rules of SPEC §4. Fields carry them with `@Authorized(rule)`;
 * the auth checker looks each one up in the policies that the modules register.
 */
export enum FieldRule {
  AccountEmail = 'account.email',
  AccountSelf = 'account.self',
  EnterpriseMember = 'enterprise.member',
  DeviceOwnerMember = 'device.ownerMember',
  DeviceMonitor = 'device.monitor',
  DeviceConfiguration = 'device.configuration',
}
