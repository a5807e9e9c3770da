import DataLoader from 'dataloader';
import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { isId } from '../common/ids';
import { notFound } from '../common/errors';
import { Account } from '../modules/account/account.entity';
import { Device } from '../modules/device/device.entity';
import { NotificationPolicyDevice } from '../modules/notification/notification-policy.entity';
import { Share, SharedDevice } from '../modules/share/share.entity';
import type { Actor } from '../common/access';
import { DeviceGroup } from '../modules/device/device-group.entity';
import { Enterprise } from '../modules/enterprise/enterprise.entity';
import { Membership } from '../modules/enterprise/membership.entity';

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
 * One loader per entity by primary key. Results come back in key order; a key with no row gets
 * a NOT_FOUND error of its own, as DataLoader expects, instead of failing the whole batch.
 */
function byId<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  label: string,
  options: LoadOptions,
): DataLoader<string, T> {
  return loader<string, T>(options, async (ids) => {
    const wellFormed = ids.filter(isId);
    const rows = wellFormed.length ? await manager.getRepository(entity).findBy({ id: In(wellFormed) } as never) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? notFound(label));
  });
}

/** All rows sharing a foreign key, e.g. every membership of an enterprise, in id order. */
function byForeignKey<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  column: keyof T & string,
  options: LoadOptions,
): DataLoader<string, T[]> {
  return loader(options, async (keys: readonly string[]) => {
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

/** The DataLoaders of one request (or of one subscription event): never shared beyond it. */
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
    device: byId(manager, Device, 'Device', options),
    share: byId(manager, Share, 'Share', options),
    sharedDevicesOfShare: byForeignKey(manager, SharedDevice, 'shareId', options),
    sharedDevicesOfDevice: byForeignKey(manager, SharedDevice, 'deviceId', options),
    devicesOfPolicy: byForeignKey(manager, NotificationPolicyDevice, 'policyId', options),
    account: byId(manager, Account, 'Account', options),
    enterprise: byId(manager, Enterprise, 'Enterprise', options),
    deviceGroup: byId(manager, DeviceGroup, 'Device group', options),
    membershipsOfEnterprise: byForeignKey(manager, Membership, 'enterpriseId', options),
    membershipsOfAccount: byForeignKey(manager, Membership, 'accountId', options),
    childGroups: byForeignKey(manager, DeviceGroup, 'parentId', options),
    groupsOfEnterprise: byForeignKey(manager, DeviceGroup, 'enterpriseId', options),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
