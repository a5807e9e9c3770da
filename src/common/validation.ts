import { Matches, MaxLength } from 'class-validator';

/**
 * A human-readable name (account, enterprise, group, device): not blank, at most `max`
 * characters. Services store it trimmed.
 */
export function DisplayName(max = 100): PropertyDecorator {
  return (target, key) => {
    MaxLength(max, { message: `$property has at most ${max} characters` })(target, key);
    Matches(/\S/, { message: '$property must not be blank' })(target, key);
  };
}
