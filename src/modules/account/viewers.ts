import type { EntityManager } from 'typeorm';
import { isId } from '../../common/ids';
import type { Viewer, ViewerAccount, Viewers } from '../../context/request-context';
import type { Database } from '../../database/database';
import { Membership } from '../enterprise/membership.entity';
import { Account } from './account.entity';
import type { AuthTokenService } from './auth-token.service';

declare module '../../context/request-context' {
  /** A viewer's account is its Account row: `AccountViewers` makes viewers of nothing else. */
  interface ViewerAccount extends Account {
    /** Whether the e-mail is proven decides `Viewer.verifiedEmail`. */
    emailVerifiedAt: Date | null;
  }
}

/** Viewers as the account module knows them: a session token's account and its memberships. */
export class AccountViewers implements Viewers {
  constructor(
    private readonly db: Database,
    private readonly tokens: AuthTokenService,
  ) {}

  async ofToken(token: string): Promise<Viewer | null> {
    const accountId = await this.tokens.verify(token);
    const account = accountId && isId(accountId) ? await this.db.manager.findOneBy(Account, { id: accountId }) : null;
    return account && this.of(account, this.db.manager);
  }

  async of(account: ViewerAccount, manager: EntityManager): Promise<Viewer> {
    const memberships = await manager.findBy(Membership, { accountId: account.id });
    return {
      account,
      roles: new Map(memberships.map((m) => [m.enterpriseId, m.role])),
      verifiedEmail: account.emailVerifiedAt ? account.email : null,
    };
  }
}
