import { v7 } from 'uuid';

/**
 * New primary keys are UUIDv7: unique without coordination between instances, and ordered by
 * creation time, so keyset pagination on the id alone lists items in the order they were made.
 */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isId = (value: string): boolean => UUID.test(value);
