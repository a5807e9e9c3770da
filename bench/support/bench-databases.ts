import { join } from 'node:path';
import { Client } from 'pg';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The databases a part runs on, each answering a fresh database per call: a new SQLite file under
 * `dir`, and PostgreSQL when it answers on DATABASE_URL (where every test server creates its own
 * database and drops it afterwards).
 */
export async function benchDatabases(dir: string) {
  let files = 0;
  const databases: [label: string, fresh: () => string][] = [
    ['SQLite (file, WAL)', () => `sqlite:${join(dir, `bench-${++files}.sqlite`)}`],
  ];
  const skipped: string[] = [];
  if (await postgresReachable()) databases.push(['PostgreSQL', () => POSTGRES_URL]);
  else skipped.push(`PostgreSQL skipped: nothing answers on ${POSTGRES_URL}`);
  return { databases, skipped };
}
