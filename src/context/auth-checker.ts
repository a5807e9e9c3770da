import type { AuthCheckerFn } from 'type-graphql';
import { forbidden } from '../common/errors';
import type { FieldRule } from './field-rule';
import type { RequestContext } from './request-context';

/** Read rules for fields, by rule name: may the viewer read this field of `root`? */
export type FieldRules = Partial<Record<FieldRule, (root: object, ctx: RequestContext) => boolean | Promise<boolean>>>;

/**
 * The one place where field-level permissions (SPEC §4) are enforced: every field marked
 * `@Authorized(rule)` passes here, and the rule it names is looked up in the rules the modules
 * register (`createAuthChecker(accountFieldRules, …)` in schema.ts). A field the viewer may not
 * read resolves to null with a FORBIDDEN error at its path; the object around it stays. A rule
 * that no module registered fails loudly.
 */
export function createAuthChecker(...registered: FieldRules[]): AuthCheckerFn<RequestContext, FieldRule> {
  const rules: FieldRules = Object.assign({}, ...registered);
  return async ({ root, context, info }, fieldRules) => {
    for (const rule of fieldRules) {
      const check = rules[rule];
      if (!check) throw new Error(`No policy is registered for field rule ${rule}`);
      if (!(await check(root as object, context))) {
        throw forbidden(`You may not read ${info.parentType.name}.${info.fieldName}`);
      }
    }
    return true;
  };
}
