import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { entities } from './entities';

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;
// Instants are `timestamp` columns holding UTC (see columns.ts): write Dates as UTC and read them
// back as UTC, whatever the server's time zone.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(TIMESTAMP_WITHOUT_TIME_ZONE, (value) => new Date(`${value.replace(' ', 'T')}Z`));

export interface DataSourceOptions {
  databaseUrl: string;
  poolSize?: number;
  logger?: Logger;
  /** SQLite: a second connection that only reads (see `openDatabase`). */
  readOnly?: boolean;
  /** SQLite: a file thrown away at shutdown (`sqlite::memory:`), so no commit waits for the disk. */
  throwaway?: boolean;
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/**
 * The SQLite file holds password hashes and share data: only the server's user may read it
 * (0600, in a 0700 folder when it creates one). SQLite gives its -wal and -shm files the mode of
 * the database file.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/**
 * The DataSource for a DATABASE_URL: the app's, the TypeORM CLI's (ormconfig.ts) and the tests'.
 * Each database has its own migrations folder, generated from the same entities.
 */
export function createDataSource({
  databaseUrl,
  poolSize = 10,
  logger,
  readOnly = false,
  throwaway = false,
}: DataSourceOptions): DataSource {
  if (isPostgresUrl(databaseUrl)) {
    return new DataSource({
      type: 'postgres',
      url: databaseUrl,
      entities,
      migrations: [join(__dirname, 'migrations', 'postgres', '*.{ts,js}')],
      migrationsTableName: 'migrations',
      extra: { max: poolSize, connectionTimeoutMillis: 5000 },
      logger,
      logging: logger ? 'all' : false,
    });
  }
  const file = databaseUrl.slice('sqlite:'.length);
  const database = file === ':memory:' ? ':memory:' : file;
  if (database !== ':memory:' && !readOnly) createPrivately(database);
  return new DataSource({
    type: 'better-sqlite3',
    database,
    readonly: readOnly,
    entities,
    migrations: [join(__dirname, 'migrations', 'sqlite', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    // WAL lets readers in while the single writer commits; the busy timeout covers the CLI
    // and a second process opening the same file.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      if (readOnly) return;
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      if (throwaway) db.pragma('synchronous = OFF');
    },
    logger,
    logging: logger ? 'all' : false,
  });
}
