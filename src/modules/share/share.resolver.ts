import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, paginate, type Connection } from '../../common/connection';
import { EmailScalar } from '../../common/email.scalar';
import type { RequestContext } from '../../context/request-context';
import { Account } from '../account/account.entity';
import { Device } from '../device/device.entity';
import { devicesAccess } from './device-reach';
import { Enterprise } from '../enterprise/enterprise.entity';
import { Share, SharedDevice } from './share.entity';
import { isLive } from './share-lifecycle';
import { effectivePermissions, isDegraded, Permission } from '../device/device-permissions';
import {
  AcceptShareInput,
  ExtendShareInput,
  ShareDevicesInput,
  ShareGraphArgs,
  SharedByMeArgs,
  SharedDevicesArgs,
  SharedWithMeArgs,
} from './share.inputs';
import { ShareCheck, ShareInvitation, ShareRecipientSummary, ShareSharerSummary } from './share.outputs';
import type { ShareQueryService } from './share-query.service';
import type { ShareAcceptance } from './share-acceptance';
import type { ShareCommands } from './share-commands';
import type { ShareEligibility } from './share-eligibility';
import { accountById } from '../account/account.loaders';
import { enterpriseById } from '../enterprise/enterprise.loaders';
import { shareById, sharedDevicesOfShare } from './share.loaders';
import { deviceById } from '../device/device.loaders';

export const ShareConnection = ConnectionType(Share);
const ShareRecipientConnection = ConnectionType(ShareRecipientSummary);
const SharedDeviceConnection = ConnectionType(SharedDevice);
const ShareSharerConnection = ConnectionType(ShareSharerSummary);

@Resolver(() => Share)
export class ShareResolver {
  constructor(
    private readonly commands: ShareCommands,
    private readonly acceptance: ShareAcceptance,
    private readonly eligibility: ShareEligibility,
    private readonly shareQueryService: ShareQueryService,
  ) {}

  @Query(() => Share, { description: 'A share you sent, manage as ADMIN, or received; NOT_FOUND otherwise.' })
  share(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Share> {
    return this.shareQueryService.get(ctx, id);
  }

  @Query(() => ShareConnection, { description: '"Shared by me": the shares you sent, newest first.' })
  sharedByMe(@Ctx() ctx: RequestContext, @Args() args: SharedByMeArgs): Promise<Connection<Share>> {
    return this.shareQueryService.sharedByMe(ctx, args);
  }

  @Query(() => ShareConnection, {
    description: '"Shared with me": shares sent to you (accepted, or waiting for your e-mail), newest first.',
  })
  sharedWithMe(@Ctx() ctx: RequestContext, @Args() args: SharedWithMeArgs): Promise<Connection<Share>> {
    return this.shareQueryService.sharedWithMe(ctx, args);
  }

  @Query(() => ShareCheck, {
    description: 'What shareDevices would answer for this input, per device, without writing.',
  })
  canShareDevices(@Ctx() ctx: RequestContext, @Arg('input') input: ShareDevicesInput): Promise<ShareCheck> {
    return this.eligibility.check(ctx, input);
  }

  @Query(() => SharedDeviceConnection, {
    description: "Every device → recipient edge of an enterprise's shares (its ADMINs), newest first: for graph views.",
  })
  shareGraph(@Ctx() ctx: RequestContext, @Args() args: ShareGraphArgs): Promise<Connection<SharedDevice>> {
    return this.shareQueryService.graph(ctx, args);
  }

  @Query(() => ShareRecipientConnection, {
    description: '"Shared by me", one entry per recipient (by e-mail): counts per status and the latest expiry.',
  })
  shareRecipients(
    @Ctx() ctx: RequestContext,
    @Args() args: SharedWithMeArgs,
  ): Promise<Connection<ShareRecipientSummary>> {
    return this.shareQueryService.recipients(ctx, args);
  }

  @Query(() => ShareSharerConnection, {
    description: '"Shared with me", one entry per sharer: counts per status and the latest expiry.',
  })
  shareSharers(@Ctx() ctx: RequestContext, @Args() args: SharedWithMeArgs): Promise<Connection<ShareSharerSummary>> {
    return this.shareQueryService.sharers(ctx, args);
  }

  @Mutation(() => ShareInvitation, {
    description: 'Shares devices of the acting enterprise with one recipient e-mail.',
  })
  shareDevices(@Ctx() ctx: RequestContext, @Arg('input') input: ShareDevicesInput): Promise<ShareInvitation> {
    return this.commands.share(ctx, input);
  }

  @Mutation(() => String, { description: 'The share link again, for the sharer to pass on (PENDING shares).' })
  shareLink(@Ctx() ctx: RequestContext, @Arg('shareId', () => ID) shareId: string): Promise<string> {
    return this.commands.link(ctx, shareId);
  }

  @Mutation(() => ShareInvitation, { description: 'A fresh confirmation code and invitation e-mail (PENDING shares).' })
  resendShareInvitation(
    @Ctx() ctx: RequestContext,
    @Arg('shareId', () => ID) shareId: string,
  ): Promise<ShareInvitation> {
    return this.commands.resendInvitation(ctx, shareId);
  }

  @Mutation(() => Share, { description: 'The recipient accepts a share into one of their enterprises.' })
  acceptShare(@Ctx() ctx: RequestContext, @Arg('input') input: AcceptShareInput): Promise<Share> {
    return this.acceptance.accept(ctx, input);
  }

  @Mutation(() => Share, { description: 'Adds devices to a PENDING or ACTIVE share; they take its permissions.' })
  addDevicesToShare(
    @Ctx() ctx: RequestContext,
    @Arg('shareId', () => ID) shareId: string,
    @Arg('deviceIds', () => [ID]) deviceIds: string[],
  ): Promise<Share> {
    return this.commands.addDevices(ctx, shareId, deviceIds);
  }

  @Mutation(() => Share, { description: 'Extends a share from its current expiry (byDays) or until a later instant.' })
  extendShare(@Ctx() ctx: RequestContext, @Arg('input') input: ExtendShareInput): Promise<Share> {
    return this.commands.extend(ctx, input);
  }

  @Mutation(() => [Share], { description: 'Cancels every live share of the acting enterprise to one recipient.' })
  cancelSharesTo(
    @Ctx() ctx: RequestContext,
    @Arg('recipientEmail', () => EmailScalar) recipientEmail: string,
  ): Promise<Share[]> {
    return this.commands.cancelAllTo(ctx, recipientEmail);
  }

  @Mutation(() => Share, { description: 'The recipient removes a device from their own view.' })
  removeSharedDevice(
    @Ctx() ctx: RequestContext,
    @Arg('shareId', () => ID) shareId: string,
    @Arg('deviceId', () => ID) deviceId: string,
  ): Promise<Share> {
    return this.acceptance.removeDevice(ctx, shareId, deviceId);
  }

  @Mutation(() => Share, {
    description:
      'The recipient declines an invitation (PENDING → CANCELLED, endReason DECLINED); the sharer is told. ' +
      'The sharer gets FORBIDDEN (it cancels instead).',
  })
  declineShare(@Ctx() ctx: RequestContext, @Arg('shareId', () => ID) shareId: string): Promise<Share> {
    return this.acceptance.decline(ctx, shareId);
  }

  @Mutation(() => Share, {
    description:
      'The recipient leaves an ACTIVE share: every device REMOVED, the share CANCELLED (endReason LEFT_BY_RECIPIENT); ' +
      'the sharer is told. Acting in the receiving enterprise; the sharer gets FORBIDDEN (it cancels instead).',
  })
  leaveShare(@Ctx() ctx: RequestContext, @Arg('shareId', () => ID) shareId: string): Promise<Share> {
    return this.acceptance.leave(ctx, shareId);
  }

  @Mutation(() => Share, { description: 'Cancels sharing for all devices of a share.' })
  cancelShare(@Ctx() ctx: RequestContext, @Arg('shareId', () => ID) shareId: string): Promise<Share> {
    return this.commands.cancel(ctx, shareId);
  }

  @Mutation(() => Share, { description: 'Cancels sharing for some devices; the share ends with its last device.' })
  cancelSharedDevices(
    @Ctx() ctx: RequestContext,
    @Arg('shareId', () => ID) shareId: string,
    @Arg('deviceIds', () => [ID]) deviceIds: string[],
  ): Promise<Share> {
    return this.commands.cancelDevices(ctx, shareId, deviceIds);
  }

  @FieldResolver(() => Account, { description: 'Who shared.' })
  sharer(@Root() share: Share, @Ctx() ctx: RequestContext): Promise<Account> {
    return ctx.loaders.of(accountById).load(share.sharerId);
  }

  @FieldResolver(() => Enterprise, { description: "The sharer's enterprise, which owns the devices." })
  sharerEnterprise(@Root() share: Share, @Ctx() ctx: RequestContext): Promise<Enterprise> {
    return ctx.loaders.of(enterpriseById).load(share.enterpriseId);
  }

  @FieldResolver(() => Account, { nullable: true, description: 'The recipient account, once accepted.' })
  recipient(@Root() share: Share, @Ctx() ctx: RequestContext): Promise<Account> | null {
    return share.recipientId ? ctx.loaders.of(accountById).load(share.recipientId) : null;
  }

  @FieldResolver(() => Enterprise, { nullable: true, description: 'Where the recipient receives the devices.' })
  receivingEnterprise(@Root() share: Share, @Ctx() ctx: RequestContext): Promise<Enterprise> | null {
    return share.receivingEnterpriseId ? ctx.loaders.of(enterpriseById).load(share.receivingEnterpriseId) : null;
  }

  @FieldResolver(() => Boolean, {
    description: "True while a device's plan (BASIC) takes away some of the granted permissions.",
  })
  async degraded(@Root() share: Share, @Ctx() ctx: RequestContext): Promise<boolean> {
    const rows = await ctx.loaders.of(sharedDevicesOfShare).load(share.id);
    const devices = await Promise.all(
      rows
        .filter((row) => isLive(row.status))
        .map((row) =>
          ctx.loaders
            .of(deviceById)
            .load(row.deviceId)
            .catch(() => null),
        ),
    );
    return devices.some((device) => device && isDegraded(share.permissions, device.plan));
  }

  @FieldResolver(() => SharedDeviceConnection, {
    description: 'Every device ever in the share, with its own status; oldest first.',
  })
  async devices(
    @Root() share: Share,
    @Ctx() ctx: RequestContext,
    @Args() args: SharedDevicesArgs,
  ): Promise<Connection<SharedDevice>> {
    const rows = await ctx.loaders.of(sharedDevicesOfShare).load(share.id);
    return paginate(args.status?.length ? rows.filter((row) => args.status!.includes(row.status)) : rows, args);
  }
}

@Resolver(() => ShareSharerSummary)
export class ShareSharerSummaryResolver {
  @FieldResolver(() => Account)
  sharer(@Root() summary: ShareSharerSummary, @Ctx() ctx: RequestContext): Promise<Account> {
    return ctx.loaders.of(accountById).load(summary.sharerId);
  }
}

@Resolver(() => SharedDevice)
export class SharedDeviceResolver {
  @FieldResolver(() => [Permission], { description: "The share's permissions that the device's plan allows." })
  async effectivePermissions(@Root() sharedDevice: SharedDevice, @Ctx() ctx: RequestContext): Promise<Permission[]> {
    const [share, device] = await Promise.all([
      ctx.loaders.of(shareById).load(sharedDevice.shareId),
      ctx.loaders
        .of(deviceById)
        .load(sharedDevice.deviceId)
        .catch(() => null),
    ]);
    return device ? effectivePermissions(share.permissions, device.plan) : [];
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the device's plan takes away some of the granted permissions.",
  })
  async degraded(@Root() sharedDevice: SharedDevice, @Ctx() ctx: RequestContext): Promise<boolean> {
    const [share, device] = await Promise.all([
      ctx.loaders.of(shareById).load(sharedDevice.shareId),
      ctx.loaders
        .of(deviceById)
        .load(sharedDevice.deviceId)
        .catch(() => null),
    ]);
    return device !== null && isLive(sharedDevice.status) && isDegraded(share.permissions, device.plan);
  }

  @FieldResolver(() => Share, { description: 'The share it belongs to (recipient, permissions, expiry).' })
  share(@Root() sharedDevice: SharedDevice, @Ctx() ctx: RequestContext): Promise<Share> {
    return ctx.loaders.of(shareById).load(sharedDevice.shareId);
  }

  @FieldResolver(() => Device, { nullable: true, description: 'Null once deleted or when the viewer may not see it.' })
  async device(@Root() sharedDevice: SharedDevice, @Ctx() ctx: RequestContext): Promise<Device | null> {
    const device = await ctx.loaders
      .of(deviceById)
      .load(sharedDevice.deviceId)
      .catch(() => null);
    return device && (await devicesAccess.canSee(ctx, device)) ? device : null;
  }
}
