import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, isPublicError } from '../common/errors';

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/** The original error behind a resolver's located GraphQLError. */
function originalOf(error: unknown): unknown {
  return error instanceof GraphQLError ? (error.originalError ?? error) : error;
}

export function isUnexpected(error: unknown): boolean {
  return !isPublicError(originalOf(error));
}

/** "password must be longer than …; name must not be blank", from class-validator failures. */
function describe(failures: ValidationFailure[]): string[] {
  return failures.flatMap((failure) => [
    ...Object.values(failure.constraints ?? {}),
    ...describe(failure.children ?? []),
  ]);
}

/**
 * How every error leaves the server, over HTTP and over graphql-ws alike: errors meant for
 * clients keep their message and code (never a stack trace); anything else becomes
 * INTERNAL_SERVER_ERROR with a fixed message.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isUnexpected(error)) {
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  }
  const { stacktrace: _stacktrace, validationErrors, ...extensions } = formatted.extensions ?? {};
  const reasons = Array.isArray(validationErrors) ? describe(validationErrors as ValidationFailure[]) : [];
  return {
    ...formatted,
    message: reasons.length ? `Invalid input: ${reasons.join('; ')}` : formatted.message,
    extensions: { ...extensions, ...(reasons.length ? { validationErrors } : {}) },
  };
}

/** Logs the errors that will be masked, with the request's id, so they can be found again. */
export function logUnexpected(log: Logger, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    if (isUnexpected(error)) log.error({ err: originalOf(error), path: error.path }, 'unexpected error');
  }
}
