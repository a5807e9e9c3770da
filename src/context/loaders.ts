import DataLoader from 'dataloader';
import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { isId } from '../common/ids';
import { notFound } from '../common/errors';
import type { Actor } from '../common/access';

/**
 * Loads are collected until the current turn of the event loop is over (setImmediate), not only
 * the current tick: a query's resolvers reach their loaders over many microtasks, and one batch
 * per kind of object keeps the number of statements bounded by the query's depth.
 */
const BATCHING = { batchScheduleFn: (dispatch: () => void) => setImmediate(dispatch) };
/** One statement per load: only for measuring what batching buys (`npm run bench -- graph`). */
const ONE_BY_ONE = { batch: false };

type Batching = typeof BATCHING | typeof ONE_BY_ONE;

/** How the loaders of one context load: batched or not, and a check before each statement. */
interface LoadOptions {
  batching: Batching;
  /** Throws to refuse the load (e.g. QUERY_TIMEOUT once the operation has run too long). */
  beforeLoad: () => void;
}

/** A DataLoader whose every batch first passes `beforeLoad`: no statement starts after it refuses. */
function loader<K, V>(options: LoadOptions, load: DataLoader.BatchLoadFn<K, V>): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => {
    options.beforeLoad();
    return load(keys);
  }, options.batching);
}

/**
 * A loader of one entity by primary key, for a module to define once (`export const deviceById =
 * byId(Device, 'Device')`) and use as `ctx.loaders.of(deviceById)`. Results come back in key
 * order; a key with no row gets a NOT_FOUND error of its own, as DataLoader expects, instead of
 * failing the whole batch.
 */
export function byId<T extends ObjectLiteral & { id: string }>(
  entity: EntityTarget<T>,
  label: string,
): LoaderFactory<DataLoader<string, T>> {
  return ({ manager, loader }) =>
    loader<string, T>(async (ids) => {
      const wellFormed = ids.filter(isId);
      const rows = wellFormed.length ? await manager.getRepository(entity).findBy({ id: In(wellFormed) } as never) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? notFound(label));
    });
}

/** A loader of all rows sharing a foreign key, e.g. every membership of an enterprise, in id order. */
export function byForeignKey<T extends ObjectLiteral & { id: string }>(
  entity: EntityTarget<T>,
  column: keyof T & string,
): LoaderFactory<DataLoader<string, T[]>> {
  return ({ manager, loader }) =>
    loader(async (keys: readonly string[]) => {
      const rows = await manager
        .getRepository(entity)
        .find({ where: { [column]: In([...keys]) } as never, order: { id: 'ASC' } as never });
      const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
      for (const row of rows) grouped.get(row[column] as string)?.push(row);
      return keys.map((key) => grouped.get(key)!);
    });
}

/** What a module's own loader is made with (see `LoaderFactory`). */
export interface LoaderKit {
  manager: EntityManager;
  /** The viewer as the access rules see it, or null for an anonymous request. */
  actor: () => Actor | null;
  /** A DataLoader that batches and stops like every other loader of the set. */
  loader<K, V>(load: DataLoader.BatchLoadFn<K, V>): DataLoader<K, V>;
}

/**
 * A loader that a module defines (an access rule's, say), made at most once per set of loaders
 * (`loaders.of(factory)`): it lives and dies with the others, per request or per subscription event.
 */
export type LoaderFactory<L> = (kit: LoaderKit) => L;

/**
 * The DataLoaders of one request (or of one subscription event): never shared beyond it. Each
 * module defines its loaders as `LoaderFactory`s (see `byId`, `byForeignKey`) next to its
 * entities; this set makes each at most once, when first asked for.
 */
export function createLoaders(
  manager: EntityManager,
  actor: () => Actor | null,
  { batch = true, beforeLoad = () => undefined }: { batch?: boolean; beforeLoad?: () => void } = {},
) {
  const options: LoadOptions = { batching: batch ? BATCHING : ONE_BY_ONE, beforeLoad };
  const kit: LoaderKit = { manager, actor, loader: (load) => loader(options, load) };
  const made = new Map<LoaderFactory<unknown>, unknown>();
  return {
    /** The loader `factory` makes, made once for this set. */
    of<L>(factory: LoaderFactory<L>): L {
      if (!made.has(factory)) made.set(factory, factory(kit));
      return made.get(factory) as L;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
