import { FieldRule } from '../../context/field-rule';
import type { FieldRules } from '../../context/auth-checker';
import type { Account } from './account.entity';

/** SPEC §4 for accounts. */
export const accountFieldRules: FieldRules = {
  [FieldRule.AccountSelf]: (account, ctx) => ctx.viewer?.account.id === (account as Account).id,
  [FieldRule.AccountEmail]: async (account, ctx) => {
    const viewer = ctx.viewer;
    if (!viewer) return false;
    if (viewer.account.id === (account as Account).id) return true;
    const memberships = await ctx.loaders.membershipsOfAccount.load((account as Account).id);
    if (memberships.some((membership) => viewer.roles.has(membership.enterpriseId))) return true;
    return ctx.loaders.sharePartner.load((account as Account).id);
  },
};
