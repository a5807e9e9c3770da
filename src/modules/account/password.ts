import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { badInput } from '../../common/errors';

const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const PREFIX = 'scrypt';

export interface PasswordCheck {
  valid: boolean;
  /** The stored hash is weaker than the current parameters: store a new one (the password is at hand). */
  needsRehash: boolean;
}

function derive(password: string, salt: Buffer, options: ScryptOptions & { N: number; r: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses above `maxmem` (32 MiB by default), so allow that plus headroom.
  const maxmem = 128 * options.N * options.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Password hashing with scrypt, a memory-hard KDF. At the production cost (N = 2^17, r = 8,
 * p = 1) one hash takes 128 MiB and a few hundred milliseconds; tests run with a lower cost
 * (`PASSWORD_HASH_LOG2_COST`). The stored form carries its parameters, so a hash made under older
 * (weaker) parameters still verifies, and logIn replaces it while it has the password at hand.
 */
export class PasswordHasher {
  private readonly N: number;
  /**
   * A real hash of a random password: logIn checks an unknown e-mail against it, so that a wrong
   * e-mail costs the same time as a wrong password and response times tell nothing.
   */
  readonly decoy: Promise<string>;

  constructor(log2Cost: number) {
    this.N = 2 ** log2Cost;
    this.decoy = this.hash(randomBytes(16).toString('hex'));
    // Made at start; a failure shows up when logIn awaits it, not as an unhandled rejection now.
    this.decoy.catch(() => undefined);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, { N: this.N, r: BLOCK_SIZE, p: PARALLELISM });
    return [PREFIX, this.N, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(password: string, stored: string): Promise<PasswordCheck> {
    const [prefix, N, r, p, salt, key] = stored.split('$');
    if (prefix !== PREFIX || !key) return { valid: false, needsRehash: false };
    const expected = Buffer.from(key, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: +N, r: +r, p: +p });
    const valid = actual.length === expected.length && timingSafeEqual(actual, expected);
    const weaker = +N < this.N || +r < BLOCK_SIZE || +p < PARALLELISM;
    return { valid, needsRehash: valid && weaker };
  }
}

const strength = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
/** zxcvbn's "safely unguessable" (10^10 guesses): common, breached and patterned passwords score lower. */
const MIN_SCORE = 3;

/**
 * The password policy of signUp beyond its length (SignUpInput checks that): not a common or
 * easily guessed password (zxcvbn, against its list of the most common breached passwords,
 * keyboard patterns, repeats, dates, and the account's own e-mail and name). Refuses with
 * BAD_USER_INPUT.
 */
export function checkPasswordPolicy(password: string, account: { email: string; name: string }): void {
  const personal = [account.email, account.email.split('@')[0], ...account.name.split(/\s+/)].filter(Boolean);
  // zxcvbn's matching grows faster than linearly (~0.2 s of CPU at 200 characters); a password
  // whose first 100 characters are strong is strong.
  if (strength.check(password.slice(0, 100), personal).score < MIN_SCORE) {
    throw badInput(
      'This password is too common or too easy to guess: choose a longer, less predictable one (e.g. several unrelated words)',
    );
  }
}
