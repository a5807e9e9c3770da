import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a verification token is computed from: the account and the nonce it holds until verified. */
export interface VerifiableAccount {
  id: string;
  emailVerificationNonce: string | null;
}

/**
 * E-mail verification tokens. Not stored: a token is an HMAC of the account id and a random
 * nonce kept on the account, under a key derived from the server secret (as share links are), so
 * a database leak reveals no usable token, and clearing the nonce once verified retires it.
 */
export class EmailVerifications {
  private readonly key: Buffer;

  constructor(
    serverSecret: Uint8Array,
    private readonly publicUrl: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'devshare e-mail verification', 32));
  }

  static newNonce(): string {
    return randomBytes(16).toString('base64url');
  }

  /** The token of an account that still has a nonce (null once verified). */
  token(account: VerifiableAccount): string | null {
    if (!account.emailVerificationNonce) return null;
    const mac = createHmac('sha256', this.key).update(`verify-email:${account.id}:${account.emailVerificationNonce}`);
    return `${account.id}.${mac.digest('base64url')}`;
  }

  link(token: string): string {
    return `${this.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  }

  /** Whether `token` is the account's current token. */
  verify(account: VerifiableAccount, token: string): boolean {
    const expected = this.token(account);
    if (!expected) return false;
    const a = Buffer.from(expected);
    const b = Buffer.from(token.trim());
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
