import { byId } from '../../context/loaders';
import { Account } from './account.entity';

/** An account by id (`ctx.loaders.of(accountById)`). */
export const accountById = byId(Account, 'Account');
