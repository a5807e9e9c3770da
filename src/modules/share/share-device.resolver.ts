import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Connection } from '../../common/connection';
import type { RequestContext } from '../../context/request-context';
import { Device } from '../device/device.entity';
import type { ShareQueryService } from './share-query.service';
import type { Share } from './share.entity';
import { SharedWithMeArgs } from './share.inputs';
import { DeviceAccess } from './share.outputs';
import { ShareConnection } from './share.resolver';

/** The sharing side of a device: who it is shared with, and what the viewer may do with it. */
@Resolver(() => Device)
export class ShareDeviceResolver {
  constructor(private readonly shareQueries: ShareQueryService) {}

  @FieldResolver(() => ShareConnection, {
    description:
      "Who it is shared with, oldest first: every share of it for the owner's ADMINs, your own shares of it otherwise.",
  })
  shares(
    @Root() device: Device,
    @Ctx() ctx: RequestContext,
    @Args() args: SharedWithMeArgs,
  ): Promise<Connection<Share>> {
    return this.shareQueries.sharesOfDevice(ctx, device, args);
  }

  @FieldResolver(() => DeviceAccess, { description: 'Your role, permissions and share for this device.' })
  myAccess(@Root() device: Device, @Ctx() ctx: RequestContext): Promise<DeviceAccess> {
    return this.shareQueries.accessTo(ctx, device);
  }
}
