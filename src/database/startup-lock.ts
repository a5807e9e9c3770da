import type { DataSource } from 'typeorm';

/** An arbitrary, fixed key: every devshare instance on one PostgreSQL database takes the same lock. */
const STARTUP_LOCK_KEY = 7_351_202_611;

/**
 * Runs `work` (migrating, seeding) while no other instance runs its own: on PostgreSQL, instances
 * started together take a session advisory lock in turn, so that the second finds the schema
 * migrated and the demo data seeded instead of racing to create them. A SQLite file belongs to
 * one process, which needs no lock.
 */
export async function duringStartupAlone<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
