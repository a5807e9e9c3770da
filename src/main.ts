import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';

const SHUTDOWN_DEADLINE_MS = 10_000;

/** `npm start`: reads the environment, starts the server, and stops it gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`devshare cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp({ config });
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      app.log.error('shutdown took longer than 10 s: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('devshare failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
