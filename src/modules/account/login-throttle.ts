import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../../common/errors';

const MAX_FAILURES = 10;
const WINDOW_SECONDS = 15 * 60;

/**
 * Password guessing protection: after 10 failed logIns for one e-mail within 15 minutes, further
 * attempts for it answer RATE_LIMITED (with `retryAfterSeconds`) until the window has passed,
 * even with the right password. A successful logIn clears the count.
 */
export class LoginThrottle {
  private readonly failures = new RateLimiterMemory({ points: MAX_FAILURES, duration: WINDOW_SECONDS });

  /** Throws RATE_LIMITED when the e-mail has used up its failures. */
  async check(email: string): Promise<void> {
    const state = await this.failures.get(email);
    if (state && state.consumedPoints >= MAX_FAILURES) throw limited(state.msBeforeNext);
  }

  async failed(email: string): Promise<void> {
    await this.failures.penalty(email, 1);
  }

  async succeeded(email: string): Promise<void> {
    await this.failures.delete(email);
  }
}

function limited(msBeforeNext: number) {
  const retryAfterSeconds = Math.ceil(msBeforeNext / 1000);
  return new AppError(ErrorCode.RATE_LIMITED, `Too many failed logins: try again in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}
