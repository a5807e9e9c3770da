import { anyOf, type AccessRule } from '../../common/access';
import { deviceAccess, type DeviceReach } from '../device/device.policy';
import { grantsLoader } from './share-access.loaders';
import { Share, SharedDevice } from './share.entity';
import { receiveDevice, type ShareAlias, type ShareFacts, type SharedDeviceFacts } from './share.policy';

/** What the device rule reads of a device, and of the shares it is in. */
export interface DeviceFacts {
  device: { enterpriseId: string };
  /** The device's rows in shares, each with its share. */
  inShares: { share: ShareFacts; sharedDevice: SharedDeviceFacts }[];
}

/**
 * Who sees a device (SPEC §4): the members of the enterprise that owns it, and whoever receives it
 * through a share (`receiveDevice`: its recipient, while acting in the receiving enterprise). The
 * SQL form scopes a query of `device` LEFT JOINed with its shared-device rows and their shares.
 */
export const seeDevice: AccessRule<DeviceFacts, ShareAlias & { device: string; sharedDevice: string }> = {
  allows: (actor, { device, inShares }) =>
    actor.roles.has(device.enterpriseId) || inShares.some((row) => receiveDevice.allows(actor, row)),
  scope: (actor, aliases) => {
    const received = receiveDevice.scope(actor, aliases);
    const memberOf = [...actor.roles.keys()];
    return {
      where: anyOf([memberOf.length > 0 && `${aliases.device}.enterpriseId IN (:...accessMemberOf)`, received.where]),
      params: { ...received.params, accessMemberOf: memberOf },
    };
  },
};

/** Devices reach viewers outside their owner through shares: `receiveDevice`, per device (grantsLoader) and in SQL (seeDevice). */
const throughShares: DeviceReach = {
  grants: grantsLoader,
  scopeSeen: (query, actor) => {
    const scope = seeDevice.scope(actor, { device: 'device', share: 'share', sharedDevice: 'sd' });
    return query
      .leftJoin(SharedDevice, 'sd', 'sd.deviceId = device.id')
      .leftJoin(Share, 'share', 'share.id = sd.shareId')
      .andWhere(scope.where, scope.params);
  },
};

/** The device rules of the app: ownership, and shares for everyone else. */
export const devicesAccess = deviceAccess(throughShares);
