import { IsOptional, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { EmailScalar } from '../../common/email.scalar';
import { Role } from '../../common/roles';
import { DisplayName } from '../../common/validation';
import { DataCenter } from './data-center';
import { RECIPIENT_LIMIT_RANGE } from './enterprise.entity';

@InputType()
export class CreateEnterpriseInput {
  @Field()
  @DisplayName()
  name: string;

  @Field(() => DataCenter)
  dataCenter: DataCenter;
}

@InputType()
export class AddMemberInput {
  @Field(() => ID, { nullable: true, description: 'Defaults to the acting enterprise.' })
  enterpriseId?: string | null;

  @Field(() => EmailScalar, { description: 'Whom to invite; they need not have an account yet.' })
  email: string;

  @Field(() => Role)
  role: Role;
}

@InputType()
export class SetMemberRoleInput {
  @Field(() => ID)
  enterpriseId: string;

  @Field(() => ID)
  accountId: string;

  @Field(() => Role)
  role: Role;
}

@InputType()
export class RemoveMemberInput {
  @Field(() => ID)
  enterpriseId: string;

  @Field(() => ID)
  accountId: string;
}

@InputType({ description: 'The settings to change; a setting left out keeps its value.' })
export class UpdateEnterpriseSettingsInput {
  @Field(() => ID, { nullable: true, description: 'Defaults to the acting enterprise.' })
  enterpriseId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether OPERATORs may share devices (not null).' })
  operatorsCanShare?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description:
      `Distinct recipients per device in PENDING or ACTIVE shares, ${RECIPIENT_LIMIT_RANGE.min} to ` +
      `${RECIPIENT_LIMIT_RANGE.max}; null: back to the server's default.`,
  })
  @IsOptional()
  @Min(RECIPIENT_LIMIT_RANGE.min, { message: `maxRecipientsPerDevice is at least ${RECIPIENT_LIMIT_RANGE.min}` })
  @Max(RECIPIENT_LIMIT_RANGE.max, { message: `maxRecipientsPerDevice is at most ${RECIPIENT_LIMIT_RANGE.max}` })
  maxRecipientsPerDevice?: number | null;
}
