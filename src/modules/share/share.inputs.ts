import { ArrayMaxSize, ArrayMinSize, Max, MaxLength, Min } from 'class-validator';
import { DateTimeISOResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../common/connection';
import { EmailScalar } from '../../common/email.scalar';
import { DisplayName } from '../../common/validation';
import { SharedDeviceStatus, ShareStatus } from './share-lifecycle';
import { Permission } from '../device/device-permissions';

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

@ArgsType()
export class ShareGraphArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Defaults to the acting enterprise.' })
  enterpriseId?: string | null;

  @Field(() => [SharedDeviceStatus], { nullable: true, description: 'Only edges in these statuses.' })
  status?: SharedDeviceStatus[] | null;
}

@ArgsType()
export class SharedDevicesArgs extends PageArgs {
  @Field(() => [SharedDeviceStatus], { nullable: true, description: 'Only devices in these statuses.' })
  status?: SharedDeviceStatus[] | null;
}
