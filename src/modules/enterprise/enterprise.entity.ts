import { DateTimeISOResolver } from 'graphql-scalars';
import { Authorized, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { FieldRule } from '../../context/field-rule';
import { InstantColumn, JsonColumn } from '../../database/columns';
import { DataCenter } from './data-center';

@ObjectType({ description: 'Enterprise-wide settings.' })
export class EnterpriseSettings {
  @Field({ description: 'Whether OPERATORs may share devices (ADMINs always may).' })
  operatorsCanShare: boolean;
}

export const DEFAULT_ENTERPRISE_SETTINGS: EnterpriseSettings = { operatorsCanShare: true };

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
  @Authorized(FieldRule.EnterpriseMember)
  @JsonColumn()
  settings: EnterpriseSettings;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}
