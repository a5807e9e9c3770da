import DataLoader from 'dataloader';
import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { isId } from '../common/ids';
import { notFound } from '../common/errors';
import { Account } from '../modules/account/account.entity';
import { Device } from '../modules/device/device.entity';
import { NotificationPolicyDevice } from '../modules/notification/notification-policy.entity';
import { ShareStatus } from '../modules/share/share-lifecycle';
import type { Permission } from '../modules/share/share-permissions';
import { Share, SharedDevice } from '../modules/share/share.entity';
import type { Viewer } from './request-context';
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

/**
 * One loader per entity by primary key. Results come back in key order; a key with no row gets
 * a NOT_FOUND error of its own, as DataLoader expects, instead of failing the whole batch.
 */
function byId<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  label: string,
  batching: Batching,
): DataLoader<string, T> {
  return new DataLoader<string, T>(async (ids) => {
    const wellFormed = ids.filter(isId);
    const rows = wellFormed.length ? await manager.getRepository(entity).findBy({ id: In(wellFormed) } as never) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? notFound(label));
  }, batching);
}

/** All rows sharing a foreign key, e.g. every membership of an enterprise, in id order. */
function byForeignKey<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  column: keyof T & string,
  batching: Batching,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await manager
      .getRepository(entity)
      .find({ where: { [column]: In([...keys]) } as never, order: { id: 'ASC' } as never });
    const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) grouped.get(row[column] as string)?.push(row);
    return keys.map((key) => grouped.get(key)!);
  }, batching);
}

/**
 * Per device, the permissions the viewer holds through ACTIVE shares accepted into one of its
 * enterprises (before the device's plan takes its part; see share-permissions.ts).
 */
function grantsOf(
  manager: EntityManager,
  viewer: () => Viewer | null,
  batching: Batching,
): DataLoader<string, Permission[]> {
  return new DataLoader(async (deviceIds) => {
    const current = viewer();
    const enterpriseIds = current ? [...current.roles.keys()] : [];
    const granted = new Map<string, Set<Permission>>(deviceIds.map((id) => [id, new Set()]));
    if (current && enterpriseIds.length) {
      const rows = await manager
        .createQueryBuilder(SharedDevice, 'sd')
        .innerJoin(Share, 'share', 'share.id = sd.shareId')
        .select('sd.deviceId', 'deviceId')
        .addSelect('share.permissions', 'permissions')
        .where('sd.deviceId IN (:...deviceIds)', { deviceIds: deviceIds.filter(isId) })
        .andWhere('sd.status = :active AND share.status = :active', { active: ShareStatus.ACTIVE })
        .andWhere('share.recipientId = :recipientId', { recipientId: current.account.id })
        .andWhere('share.receivingEnterpriseId IN (:...enterpriseIds)', { enterpriseIds })
        .getRawMany<{ deviceId: string; permissions: string }>();
      for (const row of rows) {
        for (const permission of JSON.parse(row.permissions) as Permission[])
          granted.get(row.deviceId)?.add(permission);
      }
    }
    return deviceIds.map((id) => [...granted.get(id)!]);
  }, batching);
}

/** Per account, whether it and the viewer are the two parties of some share (either way round). */
function sharePartnerOf(
  manager: EntityManager,
  viewer: () => Viewer | null,
  batching: Batching,
): DataLoader<string, boolean> {
  return new DataLoader(async (accountIds) => {
    const viewerId = viewer()?.account.id;
    const viewerEmail = viewer()?.account.email;
    const ids = accountIds.filter(isId);
    const partners = new Set<string>();
    if (viewerId && ids.length) {
      const rows = await manager
        .createQueryBuilder(Share, 'share')
        .select('share.sharerId', 'sharerId')
        .addSelect('share.recipientId', 'recipientId')
        .where('share.sharerId = :viewerId AND share.recipientId IN (:...ids)', { viewerId, ids })
        .orWhere('share.recipientId = :viewerId AND share.sharerId IN (:...ids)', { viewerId, ids })
        // A share not yet accepted already has its recipient: whoever holds its e-mail.
        .orWhere('share.recipientId IS NULL AND share.recipientEmail = :viewerEmail AND share.sharerId IN (:...ids)', {
          viewerEmail,
          ids,
        })
        .getRawMany<{ sharerId: string; recipientId: string }>();
      for (const row of rows) partners.add(row.sharerId === viewerId ? row.recipientId : row.sharerId);
    }
    return accountIds.map((id) => partners.has(id));
  }, batching);
}

/** The DataLoaders of one request (or of one subscription event): never shared beyond it. */
export function createLoaders(manager: EntityManager, viewer: () => Viewer | null, batch = true) {
  const batching = batch ? BATCHING : ONE_BY_ONE;
  return {
    device: byId(manager, Device, 'Device', batching),
    share: byId(manager, Share, 'Share', batching),
    grants: grantsOf(manager, viewer, batching),
    sharePartner: sharePartnerOf(manager, viewer, batching),
    sharedDevicesOfShare: byForeignKey(manager, SharedDevice, 'shareId', batching),
    sharedDevicesOfDevice: byForeignKey(manager, SharedDevice, 'deviceId', batching),
    devicesOfPolicy: byForeignKey(manager, NotificationPolicyDevice, 'policyId', batching),
    account: byId(manager, Account, 'Account', batching),
    enterprise: byId(manager, Enterprise, 'Enterprise', batching),
    deviceGroup: byId(manager, DeviceGroup, 'Device group', batching),
    membershipsOfEnterprise: byForeignKey(manager, Membership, 'enterpriseId', batching),
    membershipsOfAccount: byForeignKey(manager, Membership, 'accountId', batching),
    childGroups: byForeignKey(manager, DeviceGroup, 'parentId', batching),
    groupsOfEnterprise: byForeignKey(manager, DeviceGroup, 'enterpriseId', batching),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
