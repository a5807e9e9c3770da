import { SignJWT, errors, jwtVerify } from 'jose';
import type { Clock } from '../../common/clock';

const ISSUER = 'devshare';
const ALGORITHM = 'HS256';

/** Issues and checks the signed session tokens (JWT, HS256) that callers send as Bearer tokens. */
export class AuthTokenService {
  constructor(
    private readonly secret: Uint8Array,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  issue(accountId: string): Promise<string> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(accountId)
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.secret);
  }

  /** The account id of a valid token, or null for a malformed, forged or expired one, or one without `exp`, `iat` or `sub`. */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        issuer: ISSUER,
        algorithms: [ALGORITHM],
        // A token without an expiry would be valid forever: refuse it even though we signed it.
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: this.clock.now(),
      });
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
