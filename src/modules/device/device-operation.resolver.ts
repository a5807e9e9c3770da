import { MaxLength } from 'class-validator';
import { JSONObjectResolver } from 'graphql-scalars';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { DisplayName } from '../../common/validation';
import type { RequestContext } from '../../context/request-context';
import { Account } from '../account/account.entity';
import { NotificationPolicy } from '../notification/notification-policy.entity';
import { DeviceCommand, DeviceCommandKind } from './device-command.entity';
import { Device } from './device.entity';
import type { DeviceOperationService } from './device-operation.service';
import { accountById } from '../account/account.loaders';
import { deviceById, devicesOfPolicy } from './device.loaders';

@ArgsType()
class FirmwareArgs {
  @Field(() => ID)
  deviceId: string;

  @Field({ description: 'The firmware version to install.' })
  @DisplayName(64)
  version: string;
}

@ArgsType()
class LicenseArgs {
  @Field(() => ID)
  deviceId: string;

  @Field()
  @DisplayName(128)
  licenseKey: string;
}

@ArgsType()
class PolicyArgs {
  @Field()
  @DisplayName()
  name: string;
}

@ArgsType()
class ReportArgs {
  @Field(() => ID)
  deviceId: string;

  @Field(() => String, { nullable: true, description: 'e.g. "last-30-days"' })
  @MaxLength(64)
  period?: string | null;
}

/** Device operations (SPEC §3): each checks its permission, queues a command and logs an event. */
@Resolver(() => DeviceCommand)
export class DeviceOperationResolver {
  constructor(private readonly operations: DeviceOperationService) {}

  @Mutation(() => DeviceCommand, { description: 'Remote reboot (CONTROL).' })
  rebootDevice(@Ctx() ctx: RequestContext, @Arg('deviceId', () => ID) deviceId: string): Promise<DeviceCommand> {
    return this.operations.command(ctx, deviceId, DeviceCommandKind.REBOOT);
  }

  @Mutation(() => DeviceCommand, { description: 'Runs diagnostics (CONTROL).' })
  runDiagnostics(@Ctx() ctx: RequestContext, @Arg('deviceId', () => ID) deviceId: string): Promise<DeviceCommand> {
    return this.operations.command(ctx, deviceId, DeviceCommandKind.DIAGNOSTICS);
  }

  @Mutation(() => DeviceCommand, { description: 'Upgrades the firmware (FIRMWARE).' })
  upgradeFirmware(@Ctx() ctx: RequestContext, @Args() { deviceId, version }: FirmwareArgs): Promise<DeviceCommand> {
    return this.operations.command(ctx, deviceId, DeviceCommandKind.FIRMWARE_UPGRADE, { version: version.trim() });
  }

  @Mutation(() => DeviceCommand, { description: 'Replaces the configuration (CONFIGURE).' })
  updateDeviceConfiguration(
    @Ctx() ctx: RequestContext,
    @Arg('deviceId', () => ID) deviceId: string,
    // A free-form JSON object: no class to validate (the service bounds its size).
    @Arg('configuration', () => JSONObjectResolver, { validate: false }) configuration: Record<string, unknown>,
  ): Promise<DeviceCommand> {
    return this.operations.updateConfiguration(ctx, deviceId, configuration);
  }

  @Mutation(() => DeviceCommand, { description: 'Applies a license (LICENSE).' })
  applyLicense(@Ctx() ctx: RequestContext, @Args() { deviceId, licenseKey }: LicenseArgs): Promise<DeviceCommand> {
    return this.operations.command(ctx, deviceId, DeviceCommandKind.LICENSE, { licenseKey: licenseKey.trim() });
  }

  @Mutation(() => DeviceCommand, { description: 'Generates a report to download (REPORTS).' })
  generateReport(@Ctx() ctx: RequestContext, @Args() { deviceId, period }: ReportArgs): Promise<DeviceCommand> {
    return this.operations.command(ctx, deviceId, DeviceCommandKind.REPORT, period ? { period } : {});
  }

  @Mutation(() => NotificationPolicy, { description: 'A notification policy of the acting enterprise.' })
  createNotificationPolicy(@Ctx() ctx: RequestContext, @Args() { name }: PolicyArgs): Promise<NotificationPolicy> {
    return this.operations.createPolicy(ctx, name);
  }

  @Mutation(() => NotificationPolicy, {
    description: "Adds an owned device, or one shared with NOTIFICATIONS, to a policy of the viewer's enterprise.",
  })
  addDeviceToNotificationPolicy(
    @Ctx() ctx: RequestContext,
    @Arg('policyId', () => ID) policyId: string,
    @Arg('deviceId', () => ID) deviceId: string,
  ): Promise<NotificationPolicy> {
    return this.operations.addToPolicy(ctx, policyId, deviceId);
  }

  @FieldResolver(() => Account, { nullable: true, description: 'Who issued it.' })
  issuedBy(@Root() command: DeviceCommand, @Ctx() ctx: RequestContext): Promise<Account | null> {
    return ctx.loaders
      .of(accountById)
      .load(command.issuedById)
      .catch(() => null);
  }

  @FieldResolver(() => Device, { nullable: true })
  device(@Root() command: DeviceCommand, @Ctx() ctx: RequestContext): Promise<Device | null> {
    return ctx.loaders
      .of(deviceById)
      .load(command.deviceId)
      .catch(() => null);
  }
}

@Resolver(() => NotificationPolicy)
export class NotificationPolicyResolver {
  @FieldResolver(() => [ID], { description: 'The devices in the policy.' })
  async deviceIds(@Root() policy: NotificationPolicy, @Ctx() ctx: RequestContext): Promise<string[]> {
    const rows = await ctx.loaders.of(devicesOfPolicy).load(policy.id);
    return rows.map((row) => row.deviceId);
  }
}
