import { Role } from '../../common/roles';
import type { Viewer } from '../../context/request-context';
import type { Share } from './share.entity';

/** The sharer, ADMINs of the sharer's enterprise and the recipient see and watch a share (SPEC §4, §5). */
export function canWatch(viewer: Viewer, share: Share): boolean {
  return (
    share.sharerId === viewer.account.id ||
    viewer.roles.get(share.enterpriseId) === Role.ADMIN ||
    share.recipientId === viewer.account.id ||
    share.recipientEmail === viewer.account.email
  );
}
