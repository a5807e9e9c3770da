import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { isPostgresUrl } from '../../src/database/data-source';

/** The database the suite runs on: SQLite in memory unless DATABASE_URL names a PostgreSQL server. */
export const suiteDatabaseUrl = (): string => process.env.DATABASE_URL || 'sqlite::memory:';

export const onPostgres = (): boolean => isPostgresUrl(suiteDatabaseUrl());

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test server: a new in-memory SQLite database (or the SQLite
 * file `base` names), or a new database on the PostgreSQL server of `base` (DATABASE_URL by
 * default), dropped again afterwards.
 */
export async function createTestDatabase(base = suiteDatabaseUrl()): Promise<TestDatabase> {
  if (!isPostgresUrl(base)) return { url: base, drop: async () => {} };
  const name = `devshare_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
