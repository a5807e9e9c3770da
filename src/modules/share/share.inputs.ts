import { ArrayMaxSize, ArrayMinSize, Max, MaxLength, Min } from 'class-validator';
import { DateTimeISOResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { PageArgs } from '../../common/connection';
import { SharedDeviceStatus, ShareStatus } from './share-lifecycle';
import { EmailScalar } from '../../common/email.scalar';
import { Role } from '../../common/roles';
import { DisplayName } from '../../common/validation';
import { Permission } from './share-permissions';
import { Share } from './share.entity';

export const MAX_DEVICES_PER_REQUEST = 500;

@InputType()
export class ShareDevicesInput {
  @Field(() => [ID], { description: `One or many (bulk), at most ${MAX_DEVICES_PER_REQUEST}.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DEVICES_PER_REQUEST)
  deviceIds: string[];

  @Field(() => EmailScalar)
  recipientEmail: string;

  @Field(() => [Permission], { description: 'At least one; fixed once saved.' })
  permissions: Permission[];

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: 'In the future, at most 10 years ahead; none = never.',
  })
  expiresAt?: Date | null;

  @Field(() => String, { nullable: true })
  @MaxLength(500)
  description?: string | null;
}

@ObjectType({ description: 'Whether one device can be shared, and if not, which rule says no.' })
export class DeviceShareVerdict {
  @Field(() => ID)
  deviceId: string;

  @Field()
  canShare: boolean;

  @Field(() => String, { nullable: true, description: 'The error code shareDevices would answer for it.' })
  code: string | null;

  @Field(() => String, { nullable: true })
  reason: string | null;
}

@ObjectType({ description: 'The verdicts of a share request, without writing anything.' })
export class ShareCheck {
  @Field({ description: 'Whether shareDevices with this input would succeed.' })
  canShare: boolean;

  @Field(() => [String], { description: 'Problems of the request as a whole (BAD_USER_INPUT).' })
  problems: string[];

  @Field(() => [DeviceShareVerdict])
  devices: DeviceShareVerdict[];
}

@ObjectType({ description: 'A new share with its invitation: give the link or the code to the recipient.' })
export class ShareInvitation {
  @Field(() => Share)
  share: Share;

  @Field({ description: '<PUBLIC_URL>/shares/accept?token=…, bound to the recipient e-mail.' })
  shareLink: string;

  @Field({ description: 'The 6-digit confirmation code.' })
  confirmationCode: string;
}

@InputType()
export class NewEnterpriseInput {
  @Field()
  @DisplayName()
  name: string;
}

@InputType({ description: 'The link token, or shareId + code; and where to receive the devices.' })
export class AcceptShareInput {
  @Field(() => String, { nullable: true, description: 'The token of the share link.' })
  @MaxLength(200)
  token?: string | null;

  @Field(() => ID, { nullable: true })
  shareId?: string | null;

  @Field(() => String, { nullable: true, description: 'The 6-digit confirmation code (with shareId).' })
  @MaxLength(16)
  code?: string | null;

  @Field(() => ID, { nullable: true, description: 'An enterprise of yours in the devices’ data center.' })
  enterpriseId?: string | null;

  @Field(() => NewEnterpriseInput, {
    nullable: true,
    description: 'Or a new enterprise, created on the spot in the devices’ data center.',
  })
  newEnterprise?: NewEnterpriseInput | null;
}

@InputType({ description: 'Extend by a number of days from the current expiry, or until a later instant.' })
export class ExtendShareInput {
  @Field(() => ID)
  shareId: string;

  @Field(() => Int, { nullable: true, description: 'Days added to the current expiry (1 to 3650).' })
  @Min(1)
  @Max(3650)
  byDays?: number | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'The new expiry, later than the current one.' })
  until?: Date | null;
}

@ArgsType()
export class SharedWithMeArgs extends PageArgs {
  @Field(() => [ShareStatus], { nullable: true, description: 'Only shares in these statuses.' })
  status?: ShareStatus[] | null;
}

@ArgsType()
export class SharedByMeArgs extends SharedWithMeArgs {
  @Field(() => EmailScalar, { nullable: true, description: 'Only shares to this recipient.' })
  recipientEmail?: string | null;
}

@ObjectType({ description: 'How many shares are in each status.' })
export class ShareCounts {
  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  active: number;

  @Field(() => Int)
  cancelled: number;

  @Field(() => Int)
  expired: number;
}

@ObjectType({ description: 'One recipient of your shares, for the left list of "Shared by me".' })
export class ShareRecipientSummary {
  @Field()
  recipientEmail: string;

  @Field(() => ShareCounts)
  counts: ShareCounts;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'The latest expiry among the live shares.' })
  latestExpiresAt: Date | null;
}

@ObjectType({ description: 'One sharer of the shares you received, for the left list of "Shared with me".' })
export class ShareSharerSummary {
  sharerId: string;

  @Field(() => ShareCounts)
  counts: ShareCounts;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'The latest expiry among the live shares.' })
  latestExpiresAt: Date | null;
}

@ArgsType()
export class ShareGraphArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Defaults to the acting enterprise.' })
  enterpriseId?: string | null;

  @Field(() => [SharedDeviceStatus], { nullable: true, description: 'Only edges in these statuses.' })
  status?: SharedDeviceStatus[] | null;
}

@ObjectType({ description: 'What the viewer may do with a device, and why.' })
export class DeviceAccess {
  @Field(() => Role, { nullable: true, description: 'Your role in the owning enterprise, if a member.' })
  role: Role | null;

  @Field(() => [Permission], { description: "What you may do with it now, the device's plan included." })
  permissions: Permission[];

  @Field(() => Share, { nullable: true, description: 'The ACTIVE share it reached you through, if not yours.' })
  share: Share | null;
}
