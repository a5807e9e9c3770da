import type { AuthCheckerFn } from 'type-graphql';
import { forbidden } from '../common/errors';
import { accountFieldRules } from '../modules/account/account.policy';
import { deviceFieldRules } from '../modules/device/device.policy';
import { enterpriseFieldRules } from '../modules/enterprise/enterprise.policy';
import type { FieldRule } from './field-rule';
import type { RequestContext } from './request-context';

/** Read rules for fields, by rule name: may the viewer read this field of `root`? */
export type FieldRules = Partial<Record<FieldRule, (root: object, ctx: RequestContext) => boolean | Promise<boolean>>>;

const rules: FieldRules = { ...accountFieldRules, ...enterpriseFieldRules, ...deviceFieldRules };

/**
 * The one place where field-level permissions (SPEC §4) are enforced: every field marked
 * `@Authorized(rule)` passes here. A field the viewer may not read resolves to null with a
 * FORBIDDEN error at its path; the object around it stays.
 */
export const authChecker: AuthCheckerFn<RequestContext, FieldRule> = async ({ root, context, info }, fieldRules) => {
  for (const rule of fieldRules) {
    const check = rules[rule];
    if (!check) throw new Error(`No policy is registered for field rule ${rule}`);
    if (!(await check(root as object, context))) {
      throw forbidden(`You may not read ${info.parentType.name}.${info.fieldName}`);
    }
  }
  return true;
};
