import { ErrorCode, AppError, conflict } from '../../common/errors';
import { newId } from '../../common/ids';
import type { RequestContext } from '../../context/request-context';
import { insertNew, isUniqueViolation, type Database } from '../../database/database';
import { AuditService } from '../audit/audit.service';
import { Account } from './account.entity';
import type { SignUpInput } from './account.inputs';
import type { AuthTokenService } from './auth-token.service';
import type { LoginThrottle } from './login-throttle';
import { decoyHash, hashPassword, verifyPassword } from './password';

export interface Session {
  token: string;
  account: Account;
}

const WRONG_CREDENTIALS = 'The e-mail or the password is wrong';

/** Accounts and sessions: sign-up, log-in. */
export class AccountService {
  constructor(
    private readonly db: Database,
    private readonly tokens: AuthTokenService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Creates an account (e-mail already normalised by the Email scalar) and logs it in. */
  async signUp(ctx: RequestContext, input: SignUpInput): Promise<Session> {
    const passwordHash = await hashPassword(input.password);
    const account = await this.db
      .transaction(async (manager) => {
        if (await manager.existsBy(Account, { email: input.email })) {
          throw conflict('An account with this e-mail already exists');
        }
        const created = await insertNew(manager, Account, {
          id: newId(),
          email: input.email,
          name: input.name.trim(),
          passwordHash,
          createdAt: ctx.clock.now(),
        });
        await ctx.signIn(created, manager);
        await this.audit.record(ctx, manager, {
          action: 'account.signed_up',
          enterpriseId: null,
          targetType: 'Account',
          targetId: created.id,
        });
        return created;
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict('An account with this e-mail already exists') : error;
      });
    return { token: await this.tokens.issue(account.id), account };
  }

  /**
   * Failed attempts per e-mail are throttled (RATE_LIMITED). A wrong password and an unknown e-mail give the same error after the same work (a decoy
   * hash is checked for unknown e-mails), so neither message nor timing says which it was.
   */
  async logIn(ctx: RequestContext, email: string, password: string): Promise<Session> {
    await this.throttle.check(email);
    const account = await this.db.manager.findOneBy(Account, { email });
    const valid = await verifyPassword(password, account?.passwordHash ?? (await decoyHash));
    if (!account || !valid) {
      await this.throttle.failed(email);
      throw new AppError(ErrorCode.UNAUTHENTICATED, WRONG_CREDENTIALS);
    }
    await this.throttle.succeeded(email);
    await ctx.signIn(account);
    await this.db.transaction((manager) =>
      this.audit.record(ctx, manager, {
        action: 'account.logged_in',
        enterpriseId: null,
        targetType: 'Account',
        targetId: account.id,
      }),
    );
    return { token: await this.tokens.issue(account.id), account };
  }
}
