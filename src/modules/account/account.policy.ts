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
  [FieldRule.AccountEmail]: (account, ctx) => {
    const viewer = ctx.viewer;
    if (!viewer) return false;
    const { id } = account as Account;
    if (viewer.account.id === id) return true;
    return ctx.loaders
      .of(membershipsOfAccount)
      .load(id)
      .then(
        (memberships) =>
          memberships.some((membership) => viewer.roles.has(membership.enterpriseId)) ||
          ctx.loaders.of(sharePartyLoader).load(id),
      );
  },
};
