import { addressBucket, type RateLimits } from '../common/rate-limits';
import type { RequestRates } from '../config';
import type { RequestContext } from '../context/request-context';

/**
 * Request rates, the same for an HTTP request and a graphql-ws operation: each spends one point
 * of its client address's budget (an IPv6 address's /64, see addressBucket) and, when logged in, one of its account's (RATE_LIMITED with
 * `retryAfterSeconds` once a budget is spent; counted in Redis when REDIS_URL is set, so the
 * budgets hold across instances).
 */
export class RequestGate {
  private readonly perAddress;
  private readonly perAccount;

  constructor(rateLimits: RateLimits, rates: RequestRates) {
    this.perAddress = rateLimits.limiter(
      'requests-per-address',
      { points: rates.perAddressPerMinute, durationSeconds: 60 },
      'requests from this address',
    );
    this.perAccount = rateLimits.limiter(
      'requests-per-account',
      { points: rates.perAccountPerMinute, durationSeconds: 60 },
      'requests from this account',
    );
  }

  /** Spends the request's points; throws RATE_LIMITED when a budget is spent. */
  async admit(ctx: RequestContext): Promise<void> {
    await this.admitAddress(ctx.clientAddress);
    if (ctx.viewer) await this.perAccount.consume(ctx.viewer.account.id);
  }

  /** Spends a point of the address's budget alone (a graphql-ws connection, before anyone is known). */
  admitAddress(clientAddress: string): Promise<void> {
    return this.perAddress.consume(addressBucket(clientAddress));
  }
}
