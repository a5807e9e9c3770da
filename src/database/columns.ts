import { Column, type ColumnOptions } from 'typeorm';

/**
 * Instants are stored as `datetime` text in UTC on SQLite and as `timestamp` on PostgreSQL,
 * where the pool is set to read and write them as UTC (see data-source.ts): the type is left to
 * each driver's mapping of `Date`, which keeps one entity definition for both databases.
 */
export const InstantColumn = (options: Omit<ColumnOptions, 'type'> = {}) => Column({ ...options, type: Date });

/**
 * An instant read through a raw query (aggregates such as MAX), where no entity mapping applies:
 * PostgreSQL answers a Date (see data-source.ts), SQLite its UTC `YYYY-MM-DD HH:MM:SS.SSS` text.
 */
export function rawInstant(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

/** Small JSON documents (settings, configuration, details) as text, on every database alike. */
export const JsonColumn = (options: Omit<ColumnOptions, 'type'> = {}) => Column({ ...options, type: 'simple-json' });
