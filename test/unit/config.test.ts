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
});
