import { forbidden, notFound } from '../../common/errors';
import { Role } from '../../common/roles';
import type { FieldRules } from '../../context/auth-checker';
import { FieldRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import type { Enterprise } from './enterprise.entity';

/**
 * The viewer's role in an enterprise, when it is one of `allowed`. A non-member gets NOT_FOUND,
 * exactly as if the enterprise did not exist; a member without the role gets FORBIDDEN.
 */
export function requireRole(ctx: RequestContext, enterpriseId: string, allowed: readonly Role[], action: string): Role {
  ctx.requireViewer();
  const role = ctx.roleIn(enterpriseId);
  if (!role) throw notFound('Enterprise');
  if (!allowed.includes(role)) throw forbidden(`Only ${allowed.join(' or ')} members may ${action}`);
  return role;
}

export const ADMINS = [Role.ADMIN] as const;
export const ADMINS_AND_OPERATORS = [Role.ADMIN, Role.OPERATOR] as const;
export const ALL_ROLES = [Role.ADMIN, Role.OPERATOR, Role.VIEWER] as const;

/** SPEC §4 for enterprises. */
export const enterpriseFieldRules: FieldRules = {
  [FieldRule.EnterpriseMember]: (enterprise, ctx) => ctx.roleIn((enterprise as Enterprise).id) !== undefined,
};
