import { MaxLength, MinLength } from 'class-validator';
import { DisplayName } from '../../common/validation';
import { Field, InputType } from 'type-graphql';
import { EmailScalar } from '../../common/email.scalar';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

@InputType()
export class SignUpInput {
  @Field(() => EmailScalar)
  email: string;

  @Field({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.` })
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @DisplayName()
  name: string;
}
