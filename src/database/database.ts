import { Mutex } from 'async-mutex';
import type { DataSource, DeepPartial, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * The app's handle on its DataSource: transactions and the few differences between SQLite and
 * PostgreSQL that services must not care about.
 */
export class Database {
  /**
   * TypeORM drives better-sqlite3 through one shared connection, so two interleaved transactions
   * would nest inside each other. On SQLite, transactions therefore take turns; that also makes
   * them serializable, as a single-file database allows only one writer anyway.
   */
  private readonly sqliteTurns = new Mutex();

  constructor(readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    return this.sqliteTurns.runExclusive(() => this.dataSource.transaction(work));
  }

  /**
   * Locks the selected rows until the transaction ends (PostgreSQL `FOR UPDATE`). SQLite needs
   * no row lock: its transactions already run one at a time (see `transaction`).
   */
  forUpdate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.isPostgres ? query.setLock('pessimistic_write') : query;
  }

  /**
   * Locks the selected rows like `forUpdate`, but passes over rows another transaction holds
   * (PostgreSQL `FOR UPDATE SKIP LOCKED`): concurrent workers each claim different rows.
   */
  claim<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.isPostgres ? query.setLock('pessimistic_write').setOnLocked('skip_locked') : query;
  }

  /** Whether the database can be queried right now (for /readyz). */
  async isReachable(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

/** Node socket errors and PostgreSQL SQLSTATEs that mean "the server is not there right now". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/**
 * Whether an error means the database cannot be reached (as opposed to a query it refused):
 * requests then fail with SERVICE_UNAVAILABLE, and succeed again once it is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const causes = [error, (error as { driverError?: unknown })?.driverError];
  return causes.some((cause) => {
    if (!cause || typeof cause !== 'object') return false;
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
    // node-postgres reports a dropped connection and a pool wait by message only.
    return (
      typeof message === 'string' &&
      /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
        message,
      )
    );
  });
}

/** Whether a write failed on a unique index (a concurrent request got there first). */
export function isUniqueViolation(error: unknown): boolean {
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ??
    (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Inserts a new row and answers it as an entity. Unlike `save`, it does not first SELECT the
 * row to decide between INSERT and UPDATE: our ids are new by construction.
 */
export async function insertNew<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  values: DeepPartial<T>,
): Promise<T> {
  const row = manager.create(entity, values);
  await manager.insert(entity, row as QueryDeepPartialEntity<T>);
  return row;
}
