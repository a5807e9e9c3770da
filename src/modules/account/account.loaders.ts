import { byId } from '../../context/loaders';
import type { RequestContext } from '../../context/request-context';
import { Account } from './account.entity';

/** An account by id (`ctx.loaders.of(accountById)`). */
export const accountById = byId(Account, 'Account');

/** The account `id` names, or null when it names none (an actor whose account is gone, or no actor). */
export function accountOrNull(ctx: RequestContext, id: string | null): Promise<Account | null> | null {
  return id
    ? ctx.loaders
        .of(accountById)
        .load(id)
        .catch(() => null)
    : null;
}
