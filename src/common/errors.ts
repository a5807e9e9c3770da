import { GraphQLError, type ASTNode } from 'graphql';
import { ErrorCode } from './error-codes';

export { ErrorCode };

/**
 * Codes that graphql-js and Apollo give to requests that never reached a resolver
 * (parse errors, validation, variable coercion); they are safe to show as they are.
 */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode), ...REQUEST_ERROR_CODES]);

/** An error meant for the client: its message and code are shown as they are. */
export class AppError extends GraphQLError {
  /** `nodes`: where in the document the error lies, for errors found while validating it. */
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, nodes?: ASTNode) {
    super(message, { nodes, extensions: { code, ...details } });
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'You must be logged in') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this') => new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, details);
export const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message);
/** The database cannot be reached; over HTTP the response is a 503. */
export const serviceUnavailable = () =>
  new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The service cannot reach its database right now; try again shortly', {
    http: { status: 503 },
  });

/** The operation ran past its time limit (GRAPHQL_TIMEOUT_MS) and stopped loading data. */
export const queryTimeout = (timeLimitMs: number) =>
  new AppError(
    ErrorCode.QUERY_TIMEOUT,
    `The operation ran longer than ${timeLimitMs} ms and was stopped: ask for less (smaller pages, fewer fields)`,
    { timeLimitMs },
  );

/**
 * Whether an error may reach the client as it is. Anything else (a database error, a bug) is
 * logged and replaced by INTERNAL_SERVER_ERROR so that no internals leak.
 */
export function isPublicError(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  const code = error.extensions?.code;
  if (typeof code === 'string') return PUBLIC_CODES.has(code);
  // graphql-js's own errors (parse, validation, coercion) carry no code and no original error.
  return error.originalError === undefined;
}
