import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { FieldRule, ReadRule } from '../../context/field-rule';
import type { RequestContext } from '../../context/request-context';
import { Account } from '../account/account.entity';
import { Enterprise } from '../enterprise/enterprise.entity';
import { ConnectionType, PageArgs, paginate, type Connection } from '../../common/connection';
import { DeviceGroup } from './device-group.entity';
import { DevicePlan } from './device-plan';
import { Device } from './device.entity';
import { CreateDeviceGroupInput, DevicesArgs, RegisterDeviceInput } from './device.inputs';
import type { DeviceService } from './device.service';
import { enterpriseById } from '../enterprise/enterprise.loaders';
import { childGroups, deviceGroupById } from './device.loaders';
import { accountById } from '../account/account.loaders';

export const DeviceConnection = ConnectionType(Device);
export const DeviceGroupConnection = ConnectionType(DeviceGroup);

@Resolver(() => Device)
export class DeviceResolver {
  constructor(private readonly deviceService: DeviceService) {}

  @Query(() => Device, { description: 'A device the viewer can see; NOT_FOUND otherwise.' })
  device(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Device> {
    return this.deviceService.get(ctx, id);
  }

  @Query(() => DeviceConnection, { description: 'Devices of an enterprise, oldest registration first.' })
  devices(@Ctx() ctx: RequestContext, @Args() args: DevicesArgs): Promise<Connection<Device>> {
    return this.deviceService.list(ctx, args);
  }

  @Mutation(() => Device, { description: 'Registers a device in the acting enterprise (ADMIN).' })
  registerDevice(@Ctx() ctx: RequestContext, @Arg('input') input: RegisterDeviceInput): Promise<Device> {
    return this.deviceService.register(ctx, input);
  }

  @Mutation(() => Device, {
    description: 'Moves a device to a group of its enterprise, or to the top level (ADMIN, OPERATOR).',
  })
  moveDevice(
    @Ctx() ctx: RequestContext,
    @Arg('deviceId', () => ID) deviceId: string,
    @Arg('groupId', () => ID, { nullable: true }) groupId: string | null,
  ): Promise<Device> {
    return this.deviceService.move(ctx, deviceId, groupId ?? null);
  }

  @Mutation(() => Device, { description: "Changes a device's plan (ADMIN)." })
  changeDevicePlan(
    @Ctx() ctx: RequestContext,
    @Arg('deviceId', () => ID) deviceId: string,
    @Arg('plan', () => DevicePlan) plan: DevicePlan,
  ): Promise<Device> {
    return this.deviceService.changePlan(ctx, deviceId, plan);
  }

  @Mutation(() => ID, { description: 'Deletes a device from the platform (ADMIN of the owner); answers its id.' })
  deleteDevice(@Ctx() ctx: RequestContext, @Arg('deviceId', () => ID) deviceId: string): Promise<string> {
    return this.deviceService.delete(ctx, deviceId);
  }

  @Mutation(() => DeviceGroup, { description: 'Creates a device group in the acting enterprise (ADMIN).' })
  createDeviceGroup(@Ctx() ctx: RequestContext, @Arg('input') input: CreateDeviceGroupInput): Promise<DeviceGroup> {
    return this.deviceService.createGroup(ctx, input);
  }

  @FieldResolver(() => Enterprise, { description: 'The owner.' })
  enterprise(@Root() device: Device, @Ctx() ctx: RequestContext): Promise<Enterprise> {
    return ctx.loaders.of(enterpriseById).load(device.enterpriseId);
  }

  @FieldResolver(() => DeviceGroup, { nullable: true, description: "The owner's group it sits in." })
  @ReadRule(FieldRule.DeviceOwnerMember)
  group(@Root() device: Device, @Ctx() ctx: RequestContext): Promise<DeviceGroup> | null {
    return device.groupId ? ctx.loaders.of(deviceGroupById).load(device.groupId) : null;
  }

  @FieldResolver(() => Account, { nullable: true, description: 'Who registered it (owner members).' })
  @ReadRule(FieldRule.DeviceOwnerMember)
  registeredBy(@Root() device: Device, @Ctx() ctx: RequestContext): Promise<Account> | null {
    return device.registeredById ? ctx.loaders.of(accountById).load(device.registeredById) : null;
  }
}

@Resolver(() => DeviceGroup)
export class DeviceGroupResolver {
  @FieldResolver(() => DeviceGroup, { nullable: true })
  parent(@Root() group: DeviceGroup, @Ctx() ctx: RequestContext): Promise<DeviceGroup> | null {
    return group.parentId ? ctx.loaders.of(deviceGroupById).load(group.parentId) : null;
  }

  @FieldResolver(() => DeviceGroupConnection, { description: 'Oldest first.' })
  async children(
    @Root() group: DeviceGroup,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ): Promise<Connection<DeviceGroup>> {
    return paginate(await ctx.loaders.of(childGroups).load(group.id), page);
  }
}
