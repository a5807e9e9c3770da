import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { paginate, type Connection } from '../../common/connection';
import { Role } from '../../common/roles';
import type { RequestContext } from '../../context/request-context';
import { Device } from '../device/device.entity';
import { sharedPermissions } from '../device/device.policy';
import { SharedDeviceStatus, ShareStatus } from './share-lifecycle';
import { effectivePermissions, Permission } from './share-permissions';
import { Share } from './share.entity';
import { SharedWithMeArgs } from './share.inputs';
import { DeviceAccess } from './share.outputs';
import { ShareConnection } from './share.resolver';

/** The sharing side of a device: who it is shared with, and what the viewer may do with it. */
@Resolver(() => Device)
export class ShareDeviceResolver {
  @FieldResolver(() => ShareConnection, {
    description:
      "Who it is shared with, oldest first: every share of it for the owner's ADMINs, your own shares of it otherwise.",
  })
  async shares(
    @Root() device: Device,
    @Ctx() ctx: RequestContext,
    @Args() args: SharedWithMeArgs,
  ): Promise<Connection<Share>> {
    const status = args.status;
    const viewer = ctx.requireViewer();
    const rows = await ctx.loaders.sharedDevicesOfDevice.load(device.id);
    const shares = await Promise.all(
      [...new Set(rows.map((row) => row.shareId))].map((id) => ctx.loaders.share.load(id)),
    );
    const ownerAdmin = ctx.roleIn(device.enterpriseId) === Role.ADMIN;
    const visible = shares.filter(
      (share) =>
        (ownerAdmin || share.sharerId === viewer.account.id) && (!status?.length || status.includes(share.status)),
    );
    return paginate(visible, args);
  }

  @FieldResolver(() => DeviceAccess, { description: 'Your role, permissions and share for this device.' })
  async myAccess(@Root() device: Device, @Ctx() ctx: RequestContext): Promise<DeviceAccess> {
    const viewer = ctx.requireViewer();
    const role = ctx.roleIn(device.enterpriseId) ?? null;
    if (role) {
      const permissions =
        role === Role.VIEWER ? [Permission.MONITOR] : effectivePermissions(Object.values(Permission), device.plan);
      return { role, permissions, share: null };
    }
    const rows = await ctx.loaders.sharedDevicesOfDevice.load(device.id);
    const shares = await Promise.all(
      rows.filter((row) => row.status === SharedDeviceStatus.ACTIVE).map((row) => ctx.loaders.share.load(row.shareId)),
    );
    const share =
      shares.find(
        (candidate) =>
          candidate.status === ShareStatus.ACTIVE &&
          candidate.recipientId === viewer.account.id &&
          candidate.receivingEnterpriseId !== null &&
          viewer.roles.has(candidate.receivingEnterpriseId),
      ) ?? null;
    return { role: null, permissions: await sharedPermissions(ctx, device), share };
  }
}
