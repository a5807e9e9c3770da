import { Column, type ColumnOptions } from 'typeorm';

/**
 * Instants are stored as `datetime` text in UTC on SQLite and as `timestamp` on PostgreSQL,
 * where the pool is set to read and write them as UTC (see data-source.ts): the type is left to
 * each driver's mapping of `Date`, which keeps one entity definition for both databases.
 */
export const InstantColumn = (options: Omit<ColumnOptions, 'type'> = {}) => Column({ ...options, type: Date });

/** Small JSON documents (settings, configuration, details) as text, on every database alike. */
export const JsonColumn = (options: Omit<ColumnOptions, 'type'> = {}) => Column({ ...options, type: 'simple-json' });
