import { byForeignKey, byId } from '../../context/loaders';
import { Share, SharedDevice } from './share.entity';

/** A share by id (`ctx.loaders.of(shareById)`). */
export const shareById = byId(Share, 'Share');
/** The shared-device rows of a share, by share id. */
export const sharedDevicesOfShare = byForeignKey(SharedDevice, 'shareId');
/** The shared-device rows of a device (in every share that holds or held it), by device id. */
export const sharedDevicesOfDevice = byForeignKey(SharedDevice, 'deviceId');
