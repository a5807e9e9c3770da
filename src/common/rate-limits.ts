import { isIPv6 } from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, ErrorCode } from './errors';

/** How many points a key may spend in a window of `durationSeconds`. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

/**
 * One budget (e.g. "acceptShare attempts per account"): keys spend points, and a key that has
 * spent its points answers RATE_LIMITED with `retryAfterSeconds` until its window has passed.
 */
export class Limiter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    /** What the client is told it did too often, e.g. "attempts to accept a share". */
    private readonly what: string,
  ) {}

  /** Spends `points` for `key`; throws RATE_LIMITED when the key has none left. */
  async consume(key: string, points = 1): Promise<void> {
    try {
      await this.limiter.consume(key, points);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw rateLimited(this.what, rejection.msBeforeNext);
      throw rejection;
    }
  }

  /** Throws RATE_LIMITED when the key has no points left, without spending any. */
  async check(key: string): Promise<void> {
    const state = await this.limiter.get(key);
    if (state && state.remainingPoints <= 0) throw rateLimited(this.what, state.msBeforeNext);
  }

  /** Points spent by `key` in its current window (0 when none). */
  async spent(key: string): Promise<number> {
    return (await this.limiter.get(key))?.consumedPoints ?? 0;
  }

  /** Gives back points spent by `key` (e.g. an attempt reserved before it turned out to be fine). */
  async reward(key: string, points = 1): Promise<void> {
    await this.limiter.reward(key, points);
  }

  /** Refuses `key` for the next `seconds`, whatever it has spent. */
  async block(key: string, seconds: number): Promise<void> {
    await this.limiter.block(key, seconds);
  }

  /** Forgets what `key` has spent. */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/**
 * The part of a client address that one client controls, to key per-address budgets: an IPv4
 * address as it is, but an IPv6 address by its /64, since one subscriber gets a whole /64 and its
 * hosts may use any of those 2^64 addresses (counting each apart would give them as many budgets).
 */
export function addressBucket(address: string): string {
  const ipv4Mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (ipv4Mapped) return ipv4Mapped[1];
  const ip = address.split('%')[0];
  if (!isIPv6(ip)) return address;
  const [head, tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

export function rateLimited(what: string, msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(ErrorCode.RATE_LIMITED, `Too many ${what}: try again in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}

/**
 * Where every rate limit of the server counts. With a Redis URL the counts live in Redis, so that
 * several instances behind a load balancer share one budget per key (otherwise each would allow
 * its own); while Redis is away each instance counts in memory rather than failing requests.
 * Without Redis, everything counts in this process.
 */
export class RateLimits {
  private readonly redis: Redis | undefined;

  /** `redis.namespace` prefixes the keys, so that deployments (or test runs) sharing a Redis stay apart. */
  constructor(
    private readonly redisOptions?: { url: string; namespace: string },
    log?: Logger,
  ) {
    if (!redisOptions) return;
    this.redis = new Redis(redisOptions.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', (error) => log?.warn({ err: error }, 'redis connection error (rate limits)'));
  }

  /** A budget named `name` (unique per server), refusing with "Too many <what>". */
  limiter(name: string, limit: RateLimit, what: string): Limiter {
    const options = { points: limit.points, duration: limit.durationSeconds };
    const inMemory = new RateLimiterMemory({ ...options, keyPrefix: name });
    if (!this.redis || !this.redisOptions) return new Limiter(inMemory, what);
    return new Limiter(
      new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        keyPrefix: `${this.redisOptions.namespace}:${name}`,
        insuranceLimiter: inMemory,
      }),
      what,
    );
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
