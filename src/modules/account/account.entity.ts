import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Entity, Index, PrimaryColumn, Column } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import { FieldRule, ReadRule } from '../../context/field-rule';

@ObjectType({ description: 'A person who logs in.' })
@Entity('account')
export class Account {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Normalised (trimmed, lower case). Visible to the account itself, members of a common enterprise and the other party of a share.',
  })
  @ReadRule(FieldRule.AccountEmail)
  @Index({ unique: true })
  @Column('varchar', { length: 254 })
  email: string;

  @Field()
  @Column('varchar', { length: 100 })
  name: string;

  /** scrypt parameters, salt and key; never leaves the server. */
  @Column('varchar', { length: 255 })
  passwordHash: string;

  /**
   * When the owner proved the e-mail (the verification mail); until then, shares addressed to it
   * are neither visible nor acceptable (`Viewer.verifiedEmail`).
   */
  @InstantColumn({ nullable: true })
  emailVerifiedAt: Date | null;

  /**
   * Random; the verification token is an HMAC of the account id and this (EmailVerifications),
   * so the token itself is never stored. Cleared once the e-mail is verified.
   */
  @Column('varchar', { length: 32, nullable: true })
  emailVerificationNonce: string | null;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}
