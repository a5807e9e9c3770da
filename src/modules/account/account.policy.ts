import { FieldRule } from '../../context/field-rule';
import type { FieldRules } from '../../context/auth-checker';
import { sharePartyLoader } from '../share/share-access.loaders';
import type { Account } from './account.entity';
import { membershipsOfAccount } from '../enterprise/enterprise.loaders';

/**
 * SPEC §4 for accounts: an e-mail is read by its owner, by members of an enterprise the account
 * belongs to, and by whoever sees a share the account is a party of (its other side, and the
 * ADMINs of the sharer's enterprise).
 */
export const accountFieldRules: FieldRules = {
  [FieldRule.AccountSelf]: (account, ctx) => ctx.viewer?.account.id === (account as Account).id,
  [FieldRule.AccountEmail]: async (account, ctx) => {
    const viewer = ctx.viewer;
    if (!viewer) return false;
    if (viewer.account.id === (account as Account).id) return true;
    const memberships = await ctx.loaders.of(membershipsOfAccount).load((account as Account).id);
    if (memberships.some((membership) => viewer.roles.has(membership.enterpriseId))) return true;
    return ctx.loaders.of(sharePartyLoader).load((account as Account).id);
  },
};
