import { Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../common/connection';
import { DisplayName } from '../../common/validation';
import { DevicePlan } from './device-plan';

@InputType()
export class CreateDeviceGroupInput {
  @Field()
  @DisplayName()
  name: string;

  @Field(() => ID, { nullable: true, description: 'The parent group; none for a top-level group.' })
  parentId?: string | null;
}

@InputType()
export class RegisterDeviceInput {
  @Field({ description: 'Unique platform-wide: letters, digits, "-", "_" and ".", up to 64.' })
  @Matches(/^\s*[A-Za-z0-9][A-Za-z0-9._-]{0,63}\s*$/, {
    message: 'serialNumber has 1 to 64 letters, digits, ".", "_" or "-"',
  })
  serialNumber: string;

  @Field()
  @DisplayName()
  name: string;

  @Field()
  @DisplayName()
  model: string;

  @Field(() => DevicePlan)
  plan: DevicePlan;

  @Field({ defaultValue: false })
  isDemo: boolean;

  @Field(() => ID, { nullable: true, description: 'The group to put it in; none for the top level.' })
  groupId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  firmwareVersion?: string | null;
}

@ArgsType()
export class DevicesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Defaults to the acting enterprise.' })
  enterpriseId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only devices in this group.' })
  groupId?: string | null;

  @Field({ defaultValue: false, description: 'With groupId: also the devices of its subgroups.' })
  includeSubgroups: boolean;
}
