import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { FieldRule, ReadRule } from '../../context/field-rule';
import { InstantColumn, JsonColumn } from '../../database/columns';
import { DataCenter } from './data-center';

/** The range an enterprise may set its recipient limit in (SPEC §2, rule 5). */
export const RECIPIENT_LIMIT_RANGE = { min: 1, max: 100 } as const;

@ObjectType({ description: 'Enterprise-wide settings; its ADMINs change them with updateEnterpriseSettings.' })
export class EnterpriseSettings {
  @Field({ description: 'Whether OPERATORs may share devices (ADMINs always may).' })
  operatorsCanShare: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      `At most this many distinct recipients per device in PENDING or ACTIVE shares ` +
      `(${RECIPIENT_LIMIT_RANGE.min} to ${RECIPIENT_LIMIT_RANGE.max}); null: the server's default ` +
      '(SHARE_MAX_RECIPIENTS, 5 unless configured). Lowering it ends no share: it refuses new recipients.',
  })
  maxRecipientsPerDevice?: number | null;
}

/** A new enterprise lets OPERATORs share, and has the server's recipient limit. */
export const DEFAULT_ENTERPRISE_SETTINGS: EnterpriseSettings = { operatorsCanShare: true };

/** The recipient limit of an enterprise's devices: its own, or else the server's (SHARE_MAX_RECIPIENTS). */
export const recipientLimitOf = (settings: EnterpriseSettings, serverDefault: number): number =>
  settings.maxRecipientsPerDevice ?? serverDefault;

@ObjectType({ description: 'A tenant: owns devices, has members, lives in one data center.' })
@Entity('enterprise')
export class Enterprise {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field()
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => DataCenter)
  @Column('varchar', { length: 8 })
  dataCenter: DataCenter;

  @Field(() => EnterpriseSettings, { nullable: true, description: 'Visible to members.' })
  @ReadRule(FieldRule.EnterpriseMember)
  @JsonColumn()
  settings: EnterpriseSettings;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}
