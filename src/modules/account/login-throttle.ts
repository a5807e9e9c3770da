import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../../common/errors';

const MAX_FAILURES = 10;
const WINDOW_SECONDS = 15 * 60;

/**
 * Password guessing protection: after 10 failed logIns for one e-mail within 15 minutes, further
 * attempts for it answer RATE_LIMITED (with `retryAfterSeconds`) until the window has passed,
 * even with the right password. A successful logIn clears the count.
 *
 * With a Redis URL the failures are counted in Redis, so that several instances behind a load
 * balancer share one count (otherwise each would allow its own 10). While Redis is away, each
 * instance counts in memory rather than failing logIns.
 */
export class LoginThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly redis: Redis | undefined;

  /** `redis.namespace` prefixes the keys, so that deployments (or test runs) sharing a Redis stay apart. */
  constructor(redis?: { url: string; namespace: string }, log?: Logger) {
    const limits = { points: MAX_FAILURES, duration: WINDOW_SECONDS };
    const inMemory = new RateLimiterMemory(limits);
    if (!redis) {
      this.failures = inMemory;
      return;
    }
    this.redis = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', (error) => log?.warn({ err: error }, 'redis connection error (login throttle)'));
    this.failures = new RateLimiterRedis({
      ...limits,
      storeClient: this.redis,
      keyPrefix: `${redis.namespace}:login-failures`,
      insuranceLimiter: inMemory,
    });
  }

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

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}

function limited(msBeforeNext: number) {
  const retryAfterSeconds = Math.ceil(msBeforeNext / 1000);
  return new AppError(ErrorCode.RATE_LIMITED, `Too many failed logins: try again in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}
