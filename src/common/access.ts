import type { Role } from './roles';

/**
 * Who asks, as the access rules see it: plain data, so that rules stay pure functions that the
 * tests can feed any viewer. Made by the RequestContext (`ctx.actor()`).
 */
export interface Actor {
  accountId: string;
  /** The account's e-mail once proven (the verification mail); shares addressed to it match it. */
  verifiedEmail: string | null;
  /** The enterprises the account is a member of, with its role in each. */
  roles: ReadonlyMap<string, Role>;
  /**
   * The enterprise the account acts in: the one the request names (`x-enterprise-id`), or its only
   * one; null when it names none among several (or has none), or names one it is not a member of.
   */
  actingEnterpriseId: string | null;
}

/**
 * A rule in its SQL form: a condition over the query's aliases, with its own named parameters
 * (prefixed `access`, so that they never clash with the query's), for `query.andWhere(where, params)`.
 */
export interface SqlScope {
  where: string;
  params: Record<string, unknown>;
}

/**
 * One access rule in its two forms, side by side: a predicate over loaded rows, and a SQL scope
 * that selects exactly the rows the predicate allows. A test holds the two equal
 * (test/e2e/share/access-rules.e2e.test.ts); lists, loaders, mutations and subscriptions use one or the other.
 */
export interface AccessRule<Row, Aliases> {
  allows(actor: Actor, row: Row): boolean;
  scope(actor: Actor, aliases: Aliases): SqlScope;
}

/** `(a) OR (b) …` of the conditions that exist; a condition that can never hold when there are none. */
export function anyOf(conditions: (string | false | null)[]): string {
  const present = conditions.filter((condition): condition is string => Boolean(condition));
  return present.length ? `(${present.map((condition) => `(${condition})`).join(' OR ')})` : '(1 = 0)';
}
