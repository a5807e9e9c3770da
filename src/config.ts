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
  /** Base of the links devshare hands out (share links). */
  publicUrl: string;
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

function smtpUrl(env: Env): string | undefined {
  const value = env.SMTP_URL?.trim();
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
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`),
    demoData: boolean(env, 'DEMO_DATA', true),
    logLevel,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 2, 500),
    shareMaxRecipients: integer(env, 'SHARE_MAX_RECIPIENTS', 5, 1, 1000),
    shareExpiryWarningHours: integer(env, 'SHARE_EXPIRY_WARNING_HOURS', 24, 0, 24 * 365),
    smtpUrl: smtpUrl(env),
    mailFrom: env.MAIL_FROM?.trim() || 'devshare <no-reply@devshare.localhost>',
    shareEventRetentionDays: integer(env, 'SHARE_EVENT_RETENTION_DAYS', 7, 1, 3650),
    wsMaxSubscriptionsPerSocket: integer(env, 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 50, 1, 10_000),
    wsMaxSocketsPerAccount: integer(env, 'WS_MAX_SOCKETS_PER_ACCOUNT', 20, 1, 100_000),
  };
}
