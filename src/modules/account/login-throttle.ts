import { AppError, ErrorCode } from '../../common/errors';
import { addressBucket, type Limiter, type RateLimits } from '../../common/rate-limits';

/** The budgets of the throttle; the test server raises them, since every test request comes from 127.0.0.1. */
export interface LoginThrottleLimits {
  /** Failed logIns for one e-mail from one address before each further attempt waits. */
  failuresBeforeDelay: number;
  /** Failed logIns from one address, whatever the e-mails, per 15 minutes. */
  failuresPerAddress: number;
}

const ADDRESS_WINDOW_SECONDS = 15 * 60;
/** How long the failures of one e-mail from one address are remembered (from the first one). */
const PAIR_WINDOW_SECONDS = 60 * 60;
const MAX_DELAY_SECONDS = 15 * 60;
/** Holds a delayed pair's one attempt while its password is checked (replaced by the next delay). */
const IN_FLIGHT_SECONDS = 30;

/** 1 s after the `failuresBeforeDelay`-th failure, then 2 s, 4 s, 8 s … up to 15 minutes. */
const delaySeconds = (failures: number, failuresBeforeDelay: number): number =>
  failures < failuresBeforeDelay ? 0 : Math.min(2 ** (failures - failuresBeforeDelay), MAX_DELAY_SECONDS);

/**
 * Password guessing protection that cannot lock the owner out. Failures count per e-mail *and*
 * client address: after a few, that pair waits before each further attempt (1 s, 2 s, 4 s …),
 * while the owner logging in from another address is not affected. Each address also has a
 * budget of failures across all e-mails, against one address trying many accounts.
 *
 * Attempts are reserved before the password is checked and given back when it was right, so a
 * burst of concurrent guesses gets no more checks than the same guesses one after the other.
 * The counts live in `RateLimits` (Redis when REDIS_URL is set), so they hold across instances.
 */
export class LoginThrottle {
  private readonly addressFailures: Limiter;
  private readonly pairFailures: Limiter;
  private readonly pairWait: Limiter;

  constructor(
    rateLimits: RateLimits,
    private readonly limits: LoginThrottleLimits,
  ) {
    this.addressFailures = rateLimits.limiter(
      'login-failures-per-address',
      { points: limits.failuresPerAddress, durationSeconds: ADDRESS_WINDOW_SECONDS },
      'failed logins from your address',
    );
    this.pairFailures = rateLimits.limiter(
      'login-failures-per-email-and-address',
      { points: limits.failuresBeforeDelay, durationSeconds: PAIR_WINDOW_SECONDS },
      'failed logins for this e-mail',
    );
    this.pairWait = rateLimits.limiter(
      'login-wait-per-email-and-address',
      { points: 1, durationSeconds: IN_FLIGHT_SECONDS },
      'failed logins for this e-mail',
    );
  }

  /**
   * Reserves one attempt for `email` from `address`, or throws RATE_LIMITED (with
   * `retryAfterSeconds`) while the pair must wait or the address has used up its failures.
   * Report the outcome with `succeeded` or `failed`.
   */
  async attempt(email: string, address: string): Promise<void> {
    const { bucket, pair } = keys(email, address);
    await this.pairWait.check(pair);
    await this.addressFailures.consume(bucket);
    try {
      await this.pairFailures.consume(pair);
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      // Past the free failures: one attempt at a time, each after its delay.
      await this.pairWait.consume(pair);
    }
  }

  async succeeded(email: string, address: string): Promise<void> {
    const { bucket, pair } = keys(email, address);
    await this.addressFailures.reward(bucket);
    await this.pairFailures.reset(pair);
    await this.pairWait.reset(pair);
  }

  async failed(email: string, address: string): Promise<void> {
    const { pair } = keys(email, address);
    const delay = delaySeconds(await this.pairFailures.spent(pair), this.limits.failuresBeforeDelay);
    if (delay > 0) await this.pairWait.block(pair, delay);
  }
}

/** An IPv6 client counts by its /64 (see addressBucket). */
function keys(email: string, address: string) {
  const bucket = addressBucket(address);
  return { bucket, pair: `${bucket} ${email}` };
}

const isRateLimited = (error: unknown) => error instanceof AppError && error.extensions.code === ErrorCode.RATE_LIMITED;
