import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'devshare-config-'));
const SECRET = 'x'.repeat(32);

describe('configuration', () => {
  it('has documented defaults for every variable', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: 'sqlite:data/devshare.sqlite',
      redisUrl: undefined,
      publicUrl: 'http://localhost:4000',
      demoData: true,
      logLevel: 'info',
      nodeEnv: 'development',
    });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://devshare@db:5432/devshare',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: SECRET,
      PUBLIC_URL: 'https://share.example.com/',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'DEBUG',
      SHARE_MAX_RECIPIENTS: '10',
      SHARE_EXPIRY_WARNING_HOURS: '48',
      SMTP_URL: 'smtp://mailer:secret@mail.example.com:587',
      MAIL_FROM: 'Ops <ops@example.com>',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://devshare@db:5432/devshare',
      redisUrl: 'redis://cache:6379',
      publicUrl: 'https://share.example.com',
      demoData: false,
      logLevel: 'debug',
      shareMaxRecipients: 10,
      shareExpiryWarningHours: 48,
      smtpUrl: 'smtp://mailer:secret@mail.example.com:587',
      mailFrom: 'Ops <ops@example.com>',
    });
    expect(Buffer.from(config.jwtSecret).toString()).toBe(SECRET);
  });

  it('accepts sqlite::memory: as DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:', DATA_DIR: dataDir() }).databaseUrl).toBe('sqlite::memory:');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/devshare'],
    ['DATABASE_URL', 'sqlite:'],
    ['REDIS_URL', 'localhost:6379'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['DEMO_DATA', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['JWT_SECRET', 'too-short'],
    ['SHARE_MAX_RECIPIENTS', '0'],
    // One connection holds the startup lock while migrations take another.
    ['DATABASE_POOL_SIZE', '1'],
    ['SHARE_EXPIRY_WARNING_HOURS', '-1'],
    ['SMTP_URL', 'mail.example.com:25'],
  ])('a malformed %s (%p) stops the start with one line naming it', (variable, value) => {
    const attempt = () => loadConfig({ [variable]: value, DATA_DIR: dataDir() });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^${variable}: `));
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('JWT_SECRET is required when NODE_ENV=production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
      'JWT_SECRET: is required when NODE_ENV=production',
    );
  });

  it('in development a random JWT secret is generated once, kept under the data directory, and reused', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(Buffer.from(first.jwtSecret).toString()).toBe(readFileSync(join(dir, 'jwt-secret'), 'utf8'));
    expect(second.jwtSecret).toEqual(first.jwtSecret);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  it('SMTP_URL is required when NODE_ENV=production: e-mail links never go to the log instead', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, DATA_DIR: dataDir() })).toThrow(
      'SMTP_URL: is required when NODE_ENV=production (smtp://user:pass@host:port)',
    );
  });

  it('DEMO_DATA defaults to false when NODE_ENV=production (its accounts share a published password); DEMO_DATA=true still loads it', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: SECRET, SMTP_URL: 'smtp://mail:25', DATA_DIR: dataDir() };
    expect(loadConfig(production).demoData).toBe(false);
    expect(loadConfig({ ...production, DEMO_DATA: 'true' }).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir() }).demoData).toBe(true);
  });

  it('operation limits: documented defaults, introspection off in production, every GRAPHQL_* variable read', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: SECRET, SMTP_URL: 'smtp://mail:25', DATA_DIR: dataDir() };
    expect(loadConfig(production).operationLimits).toEqual({
      maxTokens: 2_000,
      maxDepth: 12,
      maxAliases: 15,
      maxDirectives: 50,
      maxCost: 50_000,
      timeoutMs: 10_000,
      maxResponseBytes: 8 * 1024 * 1024,
      maxRequestBytes: 64 * 1024,
      revealSchema: false,
    });
    expect(loadConfig({ DATA_DIR: dataDir() }).operationLimits.revealSchema).toBe(true);
    const tuned = loadConfig({
      ...production,
      GRAPHQL_MAX_TOKENS: '500',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '3',
      GRAPHQL_MAX_DIRECTIVES: '5',
      GRAPHQL_MAX_COST: '1000',
      GRAPHQL_TIMEOUT_MS: '2000',
      GRAPHQL_MAX_RESPONSE_BYTES: '4096',
      GRAPHQL_MAX_REQUEST_BYTES: '8192',
      GRAPHQL_INTROSPECTION: 'true',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100',
      RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: '50',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
    });
    expect(tuned.operationLimits).toEqual({
      maxTokens: 500,
      maxDepth: 8,
      maxAliases: 3,
      maxDirectives: 5,
      maxCost: 1000,
      timeoutMs: 2000,
      maxResponseBytes: 4096,
      maxRequestBytes: 8192,
      revealSchema: true,
    });
    expect(tuned.requestRates).toEqual({ perAddressPerMinute: 100, perAccountPerMinute: 50 });
    expect(tuned.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dataDir() }).trustProxy).toBe(false);
    expect(() => loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'everyone' })).toThrow(/^TRUST_PROXY: /);
  });
});
