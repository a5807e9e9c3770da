import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mutex } from 'async-mutex';
import type { DataSource, DeepPartial, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { createDataSource, isPostgresUrl, type DataSourceOptions } from './data-source';

/**
 * The app's handle on its database: transactions, reads, and the few differences between SQLite
 * and PostgreSQL that services must not care about. Open one with `openDatabase`.
 *
 * What a request sees: reads outside a transaction (`manager`) see committed data only, and a
 * transaction sees its own writes. On PostgreSQL that is READ COMMITTED from the pool, with row
 * locks where a rule must hold under concurrency; on SQLite, transactions take turns on one
 * writing connection (serializable) while reads go through a second, read-only one.
 */
export class Database {
  /**
   * TypeORM drives better-sqlite3 through one shared connection, so two interleaved transactions
   * would nest inside each other. On SQLite, transactions therefore take turns; that also makes
   * them serializable, as a single-file database allows only one writer anyway.
   */
  private readonly sqliteTurns = new Mutex();
  /**
   * Set on SQLite once the writing connection could not be brought out of a failed transaction:
   * from then on every transaction fails with it (SERVICE_UNAVAILABLE) and /readyz answers 503,
   * rather than acknowledge writes that would never commit. A restart opens a new connection.
   */
  private connectionLost: Error | null = null;

  /**
   * @param dataSource where transactions run (and, on PostgreSQL, everything: a pool)
   * @param reads where reads outside a transaction run: on SQLite a read-only connection to the
   *   same file, which sees only what has committed (WAL lets it read while the writer writes)
   * @param onClose what to remove once both are closed (a throwaway file)
   */
  constructor(
    readonly dataSource: DataSource,
    private readonly reads: DataSource = dataSource,
    private readonly onClose: () => void = () => {},
  ) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** For reads outside a transaction: committed data only. Writes go through `transaction`. */
  get manager(): EntityManager {
    return this.reads.manager;
  }

  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    return this.sqliteTurns.runExclusive(async () => {
      if (this.connectionLost) throw this.connectionLost;
      try {
        return await this.dataSource.transaction(work);
      } finally {
        this.endLeftoverTransaction();
      }
    });
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

  /**
   * After a failed COMMIT or ROLLBACK (a full disk, an I/O error), TypeORM may think its
   * transaction ended while SQLite's is still open, or still count it as active: every later
   * "transaction" would then be a savepoint inside one that never commits, acknowledged and then
   * lost. Whatever happened, the connection leaves here outside any transaction, or is given up.
   */
  private endLeftoverTransaction(): void {
    const runner = this.dataSource.createQueryRunner() as unknown as {
      isTransactionActive: boolean;
      transactionDepth: number;
    };
    const connection = (
      this.dataSource.driver as unknown as { databaseConnection: { inTransaction: boolean; exec(sql: string): void } }
    ).databaseConnection;
    if (!connection.inTransaction && !runner.isTransactionActive && runner.transactionDepth === 0) return;
    try {
      if (connection.inTransaction) connection.exec('ROLLBACK');
    } catch {
      // judged just below
    }
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
    if (connection.inTransaction) {
      this.connectionLost = Object.assign(new Error('The SQLite connection is stuck in a transaction it cannot end'), {
        code: CONNECTION_LOST,
      });
    }
  }

  /** Whether the database can be queried and written right now (for /readyz). */
  async isReachable(): Promise<boolean> {
    if (this.connectionLost) return false;
    try {
      await this.dataSource.query('SELECT 1');
      if (this.reads !== this.dataSource) await this.reads.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const source of new Set([this.reads, this.dataSource])) {
      if (source.isInitialized) await source.destroy();
    }
    this.onClose();
  }
}

/**
 * Opens the database a DATABASE_URL names. A SQLite database gets a writing and a read-only
 * connection to one file; `sqlite::memory:` is a throwaway file (removed on close), so that it
 * behaves as a real one does.
 */
export async function openDatabase(options: DataSourceOptions): Promise<Database> {
  if (isPostgresUrl(options.databaseUrl)) {
    const pool = createDataSource(options);
    await pool.initialize();
    return new Database(pool);
  }
  const throwaway = options.databaseUrl === 'sqlite::memory:' ? mkdtempSync(join(tmpdir(), 'devshare-')) : null;
  const removeThrowaway = () => throwaway && rmSync(throwaway, { recursive: true, force: true });
  const databaseUrl = throwaway ? `sqlite:${join(throwaway, 'devshare.sqlite')}` : options.databaseUrl;
  const writer = createDataSource({ ...options, databaseUrl, throwaway: throwaway !== null });
  const reader = createDataSource({ ...options, databaseUrl, readOnly: true });
  try {
    await writer.initialize();
    await reader.initialize();
  } catch (error) {
    await new Database(writer, reader, removeThrowaway).close();
    throw error;
  }
  return new Database(writer, reader, removeThrowaway);
}

/** Ours: the SQLite connection could not be brought out of a failed transaction (see Database). */
const CONNECTION_LOST = 'DEVSHARE_CONNECTION_LOST';

/** Node socket errors and PostgreSQL SQLSTATEs that mean "the server is not there right now". */
const UNREACHABLE_CODES = new Set([
  CONNECTION_LOST,
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
