import { MaxLength, MinLength } from 'class-validator';
import { DisplayName } from '../../common/validation';
import { Field, InputType } from 'type-graphql';
import { EmailScalar } from '../../common/email.scalar';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

@InputType()
export class SignUpInput {
  @Field(() => EmailScalar)
  email: string;

  @Field({
    description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not a common or easily guessed password.`,
  })
  @MinLength(PASSWORD_MIN_LENGTH, { message: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long` })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long` })
  password: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @DisplayName()
  name: string;
}
