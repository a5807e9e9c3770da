import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Everything the server reads from its environment, parsed and checked once at start. */
export interface Config {
  nodeEnv: string;
  port: number;
  /** `sqlite:<file>`, `sqlite::memory:` or `postgres://…` */
  databaseUrl: string;
  /** Unset: in-process pub/sub. */
  redisUrl: string | undefined;
  /** The Redis channel of share events; deployments sharing one Redis each need their own. */
  redisChannel: string;
  jwtSecret: Uint8Array;
  jwtTtlSeconds: number;
  /** scrypt cost of new password hashes, as log2(N): 17 (OWASP's N = 2^17) unless lowered outside production. */
  passwordHashLog2Cost: number;
  /** Budgets against password guessing and mass sign-ups, per client address. */
  accountLimits: AccountLimits;
  /** Base of the links devshare hands out (share links). */
  publicUrl: string;
  /** The demo world on the first start of an empty database; off by default in production, where its password is known to all. */
  demoData: boolean;
  logLevel: string;
  /** Connections per PostgreSQL pool; ignored on SQLite. */
  databasePoolSize: number;
  /** Distinct live recipients a device may be shared with. */
  shareMaxRecipients: number;
  /** How long before a share expires both sides get an "expiring soon" notice. */
  shareExpiryWarningHours: number;
  /** smtp(s)://user:pass@host:port; unset = e-mails are written to the log. */
  smtpUrl: string | undefined;
  /** The From of every e-mail. */
  mailFrom: string;
  /** How long share events are kept for resuming clients and `shareEvents`. */
  shareEventRetentionDays: number;
  /** Live subscriptions one graphql-ws socket may hold. */
  wsMaxSubscriptionsPerSocket: number;
  /** graphql-ws sockets one account may hold open at once. */
  wsMaxSocketsPerAccount: number;
  /** How often graphql-ws pings a socket; one that has not answered by the next ping is dropped. */
  wsKeepAliveMs: number;
  /** Bytes a graphql-ws socket may leave unread on the server; a client past it is dropped. */
  wsMaxBufferedBytes: number;
  /** What one GraphQL operation may ask for and take (both transports). */
  operationLimits: OperationLimits;
  /** GraphQL requests (HTTP requests, graphql-ws operations) per minute. */
  requestRates: RequestRates;
  /**
   * Which proxies' `X-Forwarded-For` names the client (express's `trust proxy`): false (none: the
   * peer is the client), a number of hops, or addresses / CIDRs / `loopback`, `uniquelocal`.
   */
  trustProxy: boolean | number | string[];
}

/** What one GraphQL operation may ask for and take, on HTTP and graphql-ws alike (`GRAPHQL_*`). */
export interface OperationLimits {
  /** Lexical tokens in the document (names, punctuation, values). */
  maxTokens: number;
  /** Nesting of selections; a fragment spread counts as a level. */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Fields the operation may resolve at most: each field costs 1, a list costs `first` times its items. */
  maxCost: number;
  /** Execution stops loading data after this long and answers QUERY_TIMEOUT. */
  timeoutMs: number;
  /** The JSON answer (one HTTP response, one graphql-ws message) may not be larger. */
  maxResponseBytes: number;
  /** The request (an HTTP body, one graphql-ws message) may not be larger. */
  maxRequestBytes: number;
  /** Introspection and "Did you mean …" suggestions: both describe the schema to strangers. */
  revealSchema: boolean;
}

export interface RequestRates {
  /** From one client address, logged in or not. */
  perAddressPerMinute: number;
  /** By one account, from any address. */
  perAccountPerMinute: number;
}

/** A variable that is missing or malformed; its message is the one line printed at start. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_SECRET_LENGTH = 32;
export const DEFAULT_DATABASE_URL = 'sqlite:data/devshare.sqlite';
/**
 * Fields one operation may resolve at most. The largest dashboard query of the README and the
 * bench costs about a third of it (test/security/operation-limits.test.ts checks them all).
 */
const DEFAULT_MAX_COST = 50_000;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

/** Checks the form of a database URL; the supported forms are listed in the error. */
export function parseDatabaseUrl(raw: string | undefined): string {
  const value = raw === undefined || raw === '' ? DEFAULT_DATABASE_URL : raw.trim();
  if (value === 'sqlite::memory:') return value;
  if (value.startsWith('sqlite:') && value.length > 'sqlite:'.length) return value;
  if (/^postgres(ql)?:\/\/./.test(value)) {
    try {
      new URL(value);
      return value;
    } catch {
      // falls through to the error below
    }
  }
  throw new ConfigError(
    'DATABASE_URL',
    `must be sqlite:<file>, sqlite::memory: or postgres://user@host:port/database, got "${value}"`,
  );
}

function url(env: Env, name: string, fallback: string): string {
  const value = env[name] === undefined || env[name] === '' ? fallback : env[name]!.trim();
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

function redisUrl(env: Env): string | undefined {
  const value = env.REDIS_URL?.trim();
  if (!value) return undefined;
  if (!/^rediss?:\/\/./.test(value)) {
    throw new ConfigError('REDIS_URL', `must be redis://host:port, got "${value}"`);
  }
  return value;
}

/**
 * SMTP_URL; in production it is required: without it invitations and e-mail verifications reach
 * nobody, and writing their links to the log instead would put secrets there.
 */
function smtpUrl(env: Env, nodeEnv: string): string | undefined {
  const value = env.SMTP_URL?.trim();
  if (!value && nodeEnv === 'production') {
    throw new ConfigError('SMTP_URL', 'is required when NODE_ENV=production (smtp://user:pass@host:port)');
  }
  if (!value) return undefined;
  if (!/^smtps?:\/\/./.test(value)) throw new ConfigError('SMTP_URL', 'must be smtp://host:port or smtps://…');
  return value;
}

/**
 * The JWT secret: JWT_SECRET when given; in production it is required. Elsewhere a random secret
 * is generated once and kept in `<dataDir>/jwt-secret`, so tokens survive restarts.
 */
function jwtSecret(env: Env, nodeEnv: string, dataDir: string): Uint8Array {
  const given = env.JWT_SECRET;
  if (given !== undefined && given !== '') {
    if (given.length < MIN_SECRET_LENGTH) {
      throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    return new TextEncoder().encode(given);
  }
  if (nodeEnv === 'production') {
    throw new ConfigError('JWT_SECRET', `is required when NODE_ENV=production`);
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export interface AccountLimits {
  /** Failed logIns for one e-mail from one address before each further attempt waits (1 s, 2 s, 4 s …). */
  loginFailuresBeforeDelay: number;
  /** Failed logIns from one address, whatever the e-mails, per 15 minutes. */
  loginFailuresPerAddress: number;
  /** Accounts one address may create per hour. */
  signUpsPerAddress: number;
  /** Failed acceptShare attempts per account per 15 minutes, whatever shares they target. */
  acceptShareFailuresPerAccount: number;
}

/** OWASP's scrypt cost, N = 2^17 (128 MiB per hash at r = 8). */
const OWASP_PASSWORD_LOG2_COST = 17;

/** The scrypt cost: never below OWASP's in production; tests lower it to stay fast. */
function passwordHashLog2Cost(env: Env, nodeEnv: string): number {
  const min = nodeEnv === 'production' ? OWASP_PASSWORD_LOG2_COST : 10;
  return integer(env, 'PASSWORD_HASH_LOG2_COST', OWASP_PASSWORD_LOG2_COST, min, 20);
}

function accountLimits(env: Env): AccountLimits {
  return {
    loginFailuresBeforeDelay: integer(env, 'LOGIN_FAILURES_BEFORE_DELAY', 5, 1, 1_000_000),
    loginFailuresPerAddress: integer(env, 'LOGIN_FAILURES_PER_ADDRESS', 20, 1, 1_000_000),
    signUpsPerAddress: integer(env, 'SIGNUPS_PER_ADDRESS', 10, 1, 1_000_000),
    acceptShareFailuresPerAccount: integer(env, 'ACCEPT_SHARE_FAILURES_PER_ACCOUNT', 30, 1, 1_000_000),
  };
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  const valid = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;
  const bad = entries.find((entry) => !valid.test(entry));
  if (bad !== undefined) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be false, a number of proxy hops, or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal; "${bad}" is none of these`,
    );
  }
  return entries;
}

/** Reads the whole configuration; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  const port = integer(env, 'PORT', 4000, 0, 65535);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  return {
    nodeEnv,
    port,
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    redisUrl: redisUrl(env),
    redisChannel: env.REDIS_CHANNEL?.trim() || 'devshare:share-events',
    jwtSecret: jwtSecret(env, nodeEnv, env.DATA_DIR?.trim() || 'data'),
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 12 * 3600, 60, 90 * 24 * 3600),
    passwordHashLog2Cost: passwordHashLog2Cost(env, nodeEnv),
    accountLimits: accountLimits(env),
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`),
    demoData: boolean(env, 'DEMO_DATA', nodeEnv !== 'production'),
    logLevel,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 2, 500),
    shareMaxRecipients: integer(env, 'SHARE_MAX_RECIPIENTS', 5, 1, 1000),
    shareExpiryWarningHours: integer(env, 'SHARE_EXPIRY_WARNING_HOURS', 24, 0, 24 * 365),
    smtpUrl: smtpUrl(env, nodeEnv),
    mailFrom: env.MAIL_FROM?.trim() || 'devshare <no-reply@devshare.localhost>',
    shareEventRetentionDays: integer(env, 'SHARE_EVENT_RETENTION_DAYS', 7, 1, 3650),
    wsMaxSubscriptionsPerSocket: integer(env, 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 50, 1, 10_000),
    wsMaxSocketsPerAccount: integer(env, 'WS_MAX_SOCKETS_PER_ACCOUNT', 20, 1, 100_000),
    wsKeepAliveMs: integer(env, 'WS_KEEP_ALIVE_MS', 12_000, 100, 3_600_000),
    wsMaxBufferedBytes: integer(env, 'WS_MAX_BUFFERED_BYTES', 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    operationLimits: operationLimitsFrom(env, nodeEnv),
    requestRates: requestRatesFrom(env),
    trustProxy: trustProxy(env),
  };
}

/** The operation limits (`GRAPHQL_*`); the schema is revealed (introspection, suggestions) outside production by default. */
export function operationLimitsFrom(env: Env, nodeEnv: string): OperationLimits {
  return {
    maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 2_000, 10, 1_000_000),
    maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 12, 2, 1_000),
    maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 15, 0, 10_000),
    maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 50, 0, 10_000),
    maxCost: integer(env, 'GRAPHQL_MAX_COST', DEFAULT_MAX_COST, 1, 100_000_000),
    timeoutMs: integer(env, 'GRAPHQL_TIMEOUT_MS', 10_000, 10, 3_600_000),
    maxResponseBytes: integer(env, 'GRAPHQL_MAX_RESPONSE_BYTES', 8 * 1024 * 1024, 1024, 1024 ** 3),
    maxRequestBytes: integer(env, 'GRAPHQL_MAX_REQUEST_BYTES', 64 * 1024, 1024, 100 * 1024 * 1024),
    revealSchema: boolean(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
  };
}

export function requestRatesFrom(env: Env): RequestRates {
  return {
    perAddressPerMinute: integer(env, 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE', 1_200, 1, 10_000_000),
    perAccountPerMinute: integer(env, 'RATE_LIMIT_PER_ACCOUNT_PER_MINUTE', 600, 1, 10_000_000),
  };
}
