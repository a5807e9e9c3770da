import { mkdirSync } from 'node:fs';
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
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/**
 * The DataSource for a DATABASE_URL: the app's, the TypeORM CLI's (ormconfig.ts) and the tests'.
 * Each database has its own migrations folder, generated from the same entities.
 */
export function createDataSource({ databaseUrl, poolSize = 10, logger }: DataSourceOptions): DataSource {
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
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database,
    entities,
    migrations: [join(__dirname, 'migrations', 'sqlite', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    // WAL lets readers in while the single writer commits; the busy timeout covers the CLI
    // and a second process opening the same file.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
    logger,
    logging: logger ? 'all' : false,
  });
}
