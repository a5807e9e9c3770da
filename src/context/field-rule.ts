import { Extensions } from 'type-graphql';

/**
 * Names of the field-level read rules of SPEC §4. Fields carry them with `@ReadRule(rule)`;
 * `enforceFieldRules` (auth-checker.ts) looks each one up in the policies that the modules register.
 */
export enum FieldRule {
  AccountEmail = 'account.email',
  AccountSelf = 'account.self',
  EnterpriseMember = 'enterprise.member',
  DeviceOwnerMember = 'device.ownerMember',
  DeviceMonitor = 'device.monitor',
  DeviceConfiguration = 'device.configuration',
}

/** The read rule of a field, on the field (a field or a field resolver of an object type). */
export const ReadRule = (rule: FieldRule): MethodDecorator & PropertyDecorator =>
  Extensions({ readRule: rule }) as MethodDecorator & PropertyDecorator;
