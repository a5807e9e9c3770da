import { byForeignKey, byId } from '../../context/loaders';
import { Enterprise } from './enterprise.entity';
import { Membership } from './membership.entity';

/** An enterprise by id (`ctx.loaders.of(enterpriseById)`). */
export const enterpriseById = byId(Enterprise, 'Enterprise');
/** The memberships of an enterprise, by enterprise id. */
export const membershipsOfEnterprise = byForeignKey(Membership, 'enterpriseId');
/** The memberships of an account, by account id. */
export const membershipsOfAccount = byForeignKey(Membership, 'accountId');
