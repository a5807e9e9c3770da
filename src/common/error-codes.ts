/* Kept free of GraphQL so that pure domain code (e.g. the share lifecycle) can name codes. */

/** The stable `extensions.code` values clients rely on (SPEC §5). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RESHARE_FORBIDDEN: 'RESHARE_FORBIDDEN',
  DEMO_DEVICE: 'DEMO_DEVICE',
  PLAN_NOT_ELIGIBLE: 'PLAN_NOT_ELIGIBLE',
  SHARE_LIMIT_REACHED: 'SHARE_LIMIT_REACHED',
  DATA_CENTER_MISMATCH: 'DATA_CENTER_MISMATCH',
  SHARE_NOT_PENDING: 'SHARE_NOT_PENDING',
  SHARE_NOT_ACTIVE: 'SHARE_NOT_ACTIVE',
  INVITATION_EXPIRED: 'INVITATION_EXPIRED',
  CODE_LOCKED: 'CODE_LOCKED',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The database cannot be reached right now (HTTP 503); retrying later may succeed. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A resume cursor older than the event retention: reload instead of resuming. */
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  /** The operation is over one of the operation limits (`limit`, `maximum`, `measured` say which). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The operation ran longer than the execution time limit and was stopped. */
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  /** The answer would be larger than the answer size limit. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
