import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Structured JSON logs, one object per line. In development on a terminal they are pretty-printed
 * (pino-pretty, a dev dependency); secrets never reach a log line. Tests pass a `destination` to read the lines.
 */
export function createLogger(level: string, nodeEnv: string, destination?: DestinationStream): Logger {
  const pretty = !destination && nodeEnv !== 'production' && process.stdout.isTTY && canLoad('pino-pretty');
  const options: LoggerOptions = {
    level,
    base: { service: 'devshare' },
    // Belt and braces: no code path logs these, and if one ever did, the value would not be written.
    redact: [
      // `parameters`: a failed statement's values (TypeORM's QueryFailedError), e.g. a password hash.
      ...['authorization', 'password', 'token', 'confirmationCode', 'shareLink', 'variables', 'parameters'].flatMap(
        (key) => [key, `*.${key}`],
      ),
      'req.headers.authorization',
      'req.headers.cookie',
    ],
    transport: pretty
      ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } }
      : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

function canLoad(module: string): boolean {
  try {
    require.resolve(module);
    return true;
  } catch {
    return false;
  }
}
