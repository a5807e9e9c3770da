import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AppError, ErrorCode, isPublicError, serviceUnavailable } from '../common/errors';
import type { RequestContext } from '../context/request-context';
import { isDatabaseUnavailable } from '../database/database';
import type { OperationGuard } from './operation-limits';

/** How long clients are asked to wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = 5;

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/**
 * The original error behind a resolver's located GraphQLError. graphql-js wraps a thrown
 * non-Error (node-postgres rejects a refused connection with a plain object) as `thrownValue`.
 */
function originalOf(error: unknown): unknown {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return (original as { thrownValue?: unknown } | undefined)?.thrownValue ?? original;
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

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * How every error leaves the server, over HTTP and over graphql-ws alike: errors meant for
 * clients keep their message and code (never a stack trace; an AppError keeps its own code
 * where Apollo would file it under GRAPHQL_VALIDATION_FAILED); the operation guard words the
 * errors of its limits and drops schema suggestions; an unreachable database becomes
 * SERVICE_UNAVAILABLE; anything else becomes INTERNAL_SERVER_ERROR with a fixed message.
 */
export const errorFormatter =
  (guard: OperationGuard): ErrorFormatter =>
  (formatted, error) =>
    formatError(formatted, error, guard);

function formatError(formatted: GraphQLFormattedError, error: unknown, guard: OperationGuard): GraphQLFormattedError {
  if (isDatabaseUnavailable(originalOf(error))) {
    const { message, extensions } = serviceUnavailable();
    return { message, locations: formatted.locations, path: formatted.path, extensions: { code: extensions.code } };
  }
  if (isUnexpected(error)) {
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  }
  const worded = guard.clientError(originalOf(error) as GraphQLError);
  const {
    stacktrace: _stacktrace,
    http: _http,
    validationErrors,
    ...extensions
  } = {
    ...formatted.extensions,
    ...(worded instanceof AppError && worded.extensions),
  };
  const reasons = Array.isArray(validationErrors) ? describe(validationErrors as ValidationFailure[]) : [];
  return {
    ...formatted,
    message: reasons.length ? `Invalid input: ${reasons.join('; ')}` : worded.message,
    extensions: { ...extensions, ...(reasons.length ? { validationErrors } : {}) },
  };
}

/** Logs the errors that will be masked, with the request's id, so they can be found again. */
export function logUnexpected(log: Logger, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    if (isUnexpected(error)) log.error({ err: originalOf(error), path: error.path }, 'unexpected error');
  }
}

/** Answers HTTP 503 with Retry-After when a response carries SERVICE_UNAVAILABLE: the database is away. */
export const serviceUnavailableStatusPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors ?? [];
        if (!errors.some((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
      },
    };
  },
};
