import { Field, ID, InputType } from 'type-graphql';
import { EmailScalar } from '../../common/email.scalar';
import { Role } from '../../common/roles';
import { DisplayName } from '../../common/validation';
import { DataCenter } from './data-center';

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
  @Field(() => ID)
  enterpriseId: string;

  @Field(() => EmailScalar, { description: 'The e-mail of an existing account.' })
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
