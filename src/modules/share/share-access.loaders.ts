import type DataLoader from 'dataloader';
import { isId } from '../../common/ids';
import type { LoaderFactory } from '../../context/loaders';
import type { Permission } from '../device/device-permissions';
import { Share, SharedDevice } from './share.entity';
import { receiveDevice, seeShare } from './share.policy';

/**
 * Per device, the permissions the viewer holds through the shares it receives (`receiveDevice`):
 * before the device's plan takes its part (see device/device-permissions.ts); none for any other device.
 */
export const grantsLoader: LoaderFactory<DataLoader<string, Permission[]>> = ({ manager, actor, loader }) =>
  loader(async (deviceIds) => {
    const current = actor();
    const ids = deviceIds.filter(isId);
    const granted = new Map<string, Set<Permission>>(deviceIds.map((id) => [id, new Set()]));
    if (current && ids.length) {
      const scope = receiveDevice.scope(current, { share: 'share', sharedDevice: 'sd' });
      const rows = await manager
        .createQueryBuilder(SharedDevice, 'sd')
        .innerJoin(Share, 'share', 'share.id = sd.shareId')
        .select('sd.deviceId', 'deviceId')
        .addSelect('share.permissions', 'permissions')
        .where('sd.deviceId IN (:...deviceIds)', { deviceIds: ids })
        .andWhere(scope.where, scope.params)
        .getRawMany<{ deviceId: string; permissions: string }>();
      for (const row of rows) {
        for (const permission of JSON.parse(row.permissions) as Permission[])
          granted.get(row.deviceId)?.add(permission);
      }
    }
    return deviceIds.map((id) => [...granted.get(id)!]);
  });

/** Per account, whether it is a party (the sharer or the recipient) of a share the viewer sees (`seeShare`). */
export const sharePartyLoader: LoaderFactory<DataLoader<string, boolean>> = ({ manager, actor, loader }) =>
  loader(async (accountIds) => {
    const current = actor();
    const ids = accountIds.filter(isId);
    const parties = new Set<string>();
    if (current && ids.length) {
      const scope = seeShare.scope(current, { share: 'share' });
      const rows = await manager
        .createQueryBuilder(Share, 'share')
        .select('share.sharerId', 'sharerId')
        .addSelect('share.recipientId', 'recipientId')
        .where('(share.sharerId IN (:...ids) OR share.recipientId IN (:...ids))', { ids })
        .andWhere(scope.where, scope.params)
        .getRawMany<{ sharerId: string; recipientId: string | null }>();
      for (const row of rows) {
        parties.add(row.sharerId);
        if (row.recipientId) parties.add(row.recipientId);
      }
    }
    return accountIds.map((id) => parties.has(id));
  });
