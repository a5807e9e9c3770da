import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from './errors';

const MAX_LENGTH = 254;
// Deliberately loose: one @, something on both sides, a dot in the domain, no spaces and no
// control characters. The mail server is the real judge; this only stops what cannot be an address.
const SHAPE = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** Trims and lower-cases an e-mail address, or says why it is not one. */
export function normalizeEmail(value: unknown): string {
  if (typeof value !== 'string') throw invalid('an e-mail address must be a string');
  const email = value.trim().toLowerCase();
  if (email === '') throw invalid('the e-mail address is empty');
  if (email.length > MAX_LENGTH) throw invalid(`an e-mail address has at most ${MAX_LENGTH} characters`);
  if (!SHAPE.test(email)) throw invalid(`"${email.slice(0, 60)}" is not an e-mail address`);
  return email;
}

// An AppError keeps BAD_USER_INPUT in a literal too, where Apollo would say GRAPHQL_VALIDATION_FAILED.
const invalid = (message: string) => badInput(message);

/**
 * E-mail addresses as clients send them; every address that enters through the API is
 * normalised here, once, so `Ann@X.com ` and `ann@x.com` are the same account.
 */
export const EmailScalar = new GraphQLScalarType({
  name: 'Email',
  description: 'An e-mail address; trimmed and lower-cased on input.',
  serialize: (value) => value,
  parseValue: normalizeEmail,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('an e-mail address must be a string');
    return normalizeEmail(ast.value);
  },
});
