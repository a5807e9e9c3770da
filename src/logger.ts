import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs, one object per line. In development on a terminal they are pretty-printed
 * (pino-pretty, a dev dependency); secrets never reach a log line.
 */
export function createLogger(level: string, nodeEnv: string): Logger {
  const pretty = nodeEnv !== 'production' && process.stdout.isTTY && canLoad('pino-pretty');
  return pino({
    level,
    base: { service: 'devshare' },
    redact: ['authorization', '*.authorization', '*.password', 'password', '*.token', 'token'],
    transport: pretty
      ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } }
      : undefined,
  });
}

function canLoad(module: string): boolean {
  try {
    require.resolve(module);
    return true;
  } catch {
    return false;
  }
}
