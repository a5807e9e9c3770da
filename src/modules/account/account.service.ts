import { ErrorCode, AppError, badInput, conflict, unauthenticated } from '../../common/errors';
import { newId } from '../../common/ids';
import { addressBucket, type Limiter } from '../../common/rate-limits';
import type { Change, Changes } from '../../context/change';
import type { RequestContext } from '../../context/request-context';
import { insertNew, isUniqueViolation, type Database } from '../../database/database';
import { Account } from './account.entity';
import type { SignUpInput } from './account.inputs';
import type { AuthTokenService } from './auth-token.service';
import { EmailVerifications } from './email-verification';
import type { LoginThrottle } from './login-throttle';
import { checkPasswordPolicy, type PasswordHasher } from './password';

export interface Session {
  token: string;
  account: Account;
}

const WRONG_CREDENTIALS = 'The e-mail or the password is wrong';
const VERIFICATION_MAIL_GRACE_MS = 2_000;

/**
 * Queues the verification mail (rendered when sent, from the account's nonce). It leaves a moment
 * after it is queued, so that an account verified at once (the demo accounts; the tests' accounts,
 * verified right after signing up) is not mailed: by then its mail is obsolete.
 */
async function queueVerificationMail(change: Change, account: Account): Promise<void> {
  await change.mail(
    account.email,
    'verify_email',
    { accountId: account.id },
    { notBefore: new Date(change.now.getTime() + VERIFICATION_MAIL_GRACE_MS) },
  );
}

export interface AccountLimiters {
  /** Sign-ups per client address: each call counts, also the aliases of one request. */
  signUps: Limiter;
  /** Verification e-mails one account may ask for again. */
  verificationMails: Limiter;
}

/** Accounts and sessions: sign-up (with e-mail verification), log-in. */
export class AccountService {
  constructor(
    private readonly db: Database,
    private readonly changes: Changes,
    private readonly tokens: AuthTokenService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly limiters: AccountLimiters,
    private readonly verifications: EmailVerifications,
  ) {}

  /**
   * Creates an account (e-mail already normalised by the Email scalar) and logs it in. Its e-mail
   * is unverified until the token of the verification mail, queued in the same transaction, is
   * given to verifyEmail.
   */
  async signUp(ctx: RequestContext, input: SignUpInput): Promise<Session> {
    await this.limiters.signUps.consume(addressBucket(ctx.clientAddress));
    checkPasswordPolicy(input.password, input);
    const passwordHash = await this.passwords.hash(input.password);
    const account = await this.changes
      .run(ctx, async (change) => {
        if (await change.manager.existsBy(Account, { email: input.email })) {
          throw conflict('An account with this e-mail already exists');
        }
        const created = await insertNew(change.manager, Account, {
          id: newId(),
          email: input.email,
          name: input.name.trim(),
          passwordHash,
          emailVerifiedAt: null,
          emailVerificationNonce: EmailVerifications.newNonce(),
          createdAt: ctx.clock.now(),
        });
        await queueVerificationMail(change, created);
        await ctx.signIn(created, change.manager);
        await change.audit({
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
   * Proves the viewer's e-mail with the token of its verification mail. The token must be the
   * viewer's own: someone who signed up with another person's address cannot have that person
   * verify it for them by following the link. Verifying again answers the account as it is.
   */
  async verifyEmail(ctx: RequestContext, token: string): Promise<Account> {
    const viewer = ctx.requireViewer();
    const account = await this.changes.run(ctx, async (change) => {
      const current = await change.manager.findOneBy(Account, { id: viewer.account.id });
      if (!current) throw unauthenticated();
      if (current.emailVerifiedAt) return current;
      if (!this.verifications.verify(current, token)) {
        throw badInput(
          'This verification link is not valid for your account: log in with the account it was sent to, or ask for a new e-mail with resendEmailVerification',
        );
      }
      const verified = { emailVerifiedAt: ctx.clock.now(), emailVerificationNonce: null };
      await change.manager.update(Account, current.id, verified);
      await change.audit({
        action: 'account.email_verified',
        enterpriseId: null,
        targetType: 'Account',
        targetId: current.id,
      });
      return Object.assign(current, verified);
    });
    // The rest of the request (e.g. sharedWithMe beside verifyEmail) sees the verified e-mail.
    await ctx.signIn(account);
    return account;
  }

  /** Queues the verification mail again (limited per account); false when the e-mail is already verified. */
  async resendEmailVerification(ctx: RequestContext): Promise<boolean> {
    const viewer = ctx.requireViewer();
    await this.limiters.verificationMails.consume(viewer.account.id);
    return this.changes.run(ctx, async (change) => {
      const account = await change.manager.findOneBy(Account, { id: viewer.account.id });
      if (!account || account.emailVerifiedAt) return false;
      // Kept when there is one, so the link of an earlier mail still works; accounts from before verification have none.
      if (!account.emailVerificationNonce) {
        await change.manager.update(Account, account.id, { emailVerificationNonce: EmailVerifications.newNonce() });
      }
      await queueVerificationMail(change, account);
      return true;
    });
  }

  /**
   * Failed attempts are throttled per e-mail and client address, and per address (LoginThrottle:
   * RATE_LIMITED). A wrong password and an unknown e-mail give the same error after the same work
   * (a decoy hash is checked for unknown e-mails), so neither message nor timing says which it
   * was. A hash stored under weaker parameters than today's is replaced while the password is at hand.
   */
  async logIn(ctx: RequestContext, email: string, password: string): Promise<Session> {
    await this.throttle.attempt(email, ctx.clientAddress);
    const account = await this.db.manager.findOneBy(Account, { email });
    const check = await this.passwords.verify(password, account?.passwordHash ?? (await this.passwords.decoy));
    if (!account || !check.valid) {
      await this.throttle.failed(email, ctx.clientAddress);
      throw new AppError(ErrorCode.UNAUTHENTICATED, WRONG_CREDENTIALS);
    }
    await this.throttle.succeeded(email, ctx.clientAddress);
    const passwordHash = check.needsRehash ? await this.passwords.hash(password) : undefined;
    await ctx.signIn(account);
    await this.changes.run(ctx, async (change) => {
      // Only if the hash is still the one checked: a password changed meanwhile is not overwritten.
      if (passwordHash) {
        await change.manager.update(Account, { id: account.id, passwordHash: account.passwordHash }, { passwordHash });
      }
      await change.audit({
        action: 'account.logged_in',
        enterpriseId: null,
        targetType: 'Account',
        targetId: account.id,
      });
    });
    return { token: await this.tokens.issue(account.id), account };
  }
}
