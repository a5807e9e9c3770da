import type { Change } from '../../context/change';
import { forbidden, notFound } from '../../common/errors';
import { Role } from '../../common/roles';
import type { FieldRules } from '../../context/auth-checker';
import { FieldRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import type { Enterprise } from './enterprise.entity';
import { Membership } from './membership.entity';

/**
 * A role that must be one of `allowed`. A non-member gets NOT_FOUND, exactly as if the
 * enterprise did not exist; a member without the role gets FORBIDDEN.
 */
function assertRole(role: Role | undefined, allowed: readonly Role[], action: string, hidden = 'Enterprise'): Role {
  if (!role) throw notFound(hidden);
  if (!allowed.includes(role)) throw forbidden(`Only ${allowed.join(' or ')} members may ${action}`);
  return role;
}

/** The viewer's role as of the start of the request, for reads. */
export function requireRole(ctx: RequestContext, enterpriseId: string, allowed: readonly Role[], action: string): Role {
  ctx.requireViewer();
  return assertRole(ctx.roleIn(enterpriseId), allowed, action);
}

/**
 * The viewer's role read again inside the transaction of a change, so that a member demoted
 * or removed by a concurrent request cannot still act with the role the request started with.
 * A non-member is told that `hidden` (what the request named: the enterprise, or an object of
 * it) was not found.
 */
export async function requireCurrentRole(
  change: Change,
  enterpriseId: string,
  allowed: readonly Role[],
  action: string,
  hidden?: string,
): Promise<Role> {
  const accountId = change.ctx.requireViewer().account.id;
  const membership = await change.manager.findOneBy(Membership, { enterpriseId, accountId });
  return assertRole(membership?.role, allowed, action, hidden);
}

export const ADMINS = [Role.ADMIN] as const;
export const ADMINS_AND_OPERATORS = [Role.ADMIN, Role.OPERATOR] as const;
export const ALL_ROLES = [Role.ADMIN, Role.OPERATOR, Role.VIEWER] as const;

/** SPEC §4 for enterprises. */
export const enterpriseFieldRules: FieldRules = {
  [FieldRule.EnterpriseMember]: (enterprise, ctx) => ctx.roleIn((enterprise as Enterprise).id) !== undefined,
};
