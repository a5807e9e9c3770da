import { DateTimeISOResolver, JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { FieldRule, ReadRule } from '../../context/field-rule';
import { InstantColumn, JsonColumn } from '../../database/columns';
import { Account } from '../account/account.entity';
import { EnterpriseOwned } from '../enterprise/enterprise-owned.entity';
import { DeviceGroup } from './device-group.entity';
import { DevicePlan } from './device-plan';

registerEnumType(DevicePlan, {
  name: 'DevicePlan',
  description: 'BASIC allows monitoring and reports only; STANDARD and ADVANCED can be shared.',
});

@ObjectType({ description: 'A device owned by an enterprise.' })
@Entity('device')
@Index(['enterpriseId', 'id'])
@Index(['groupId', 'id'])
export class Device extends EnterpriseOwned {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { nullable: true })
  groupId: string | null;

  @ManyToOne(() => DeviceGroup, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'groupId' })
  private readonly groupRow?: DeviceGroup;

  @Field({ description: 'Unique platform-wide; stored trimmed and in upper case.' })
  @Index({ unique: true })
  @Column('varchar', { length: 64 })
  serialNumber: string;

  @Field()
  @Column('varchar', { length: 100 })
  name: string;

  @Field()
  @Column('varchar', { length: 100 })
  model: string;

  @Field(() => DevicePlan)
  @Column('varchar', { length: 16 })
  plan: DevicePlan;

  @Field({ description: 'Demo devices cannot be shared.' })
  @Column('boolean', { default: false })
  isDemo: boolean;

  @Column('uuid', { nullable: true })
  registeredById: string | null;

  @ManyToOne(() => Account, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'registeredById' })
  private readonly registeredByRow?: Account;

  @Field(() => String, { nullable: true, description: 'Needs MONITOR.' })
  @ReadRule(FieldRule.DeviceMonitor)
  @Column('varchar', { length: 64, nullable: true })
  firmwareVersion: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Needs MONITOR.' })
  @ReadRule(FieldRule.DeviceMonitor)
  @Column('boolean', { default: false })
  online: boolean;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Needs MONITOR.' })
  @ReadRule(FieldRule.DeviceMonitor)
  @InstantColumn({ nullable: true })
  lastSeenAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Reported state, e.g. OK or ON_BATTERY. Needs MONITOR.' })
  @ReadRule(FieldRule.DeviceMonitor)
  @Column('varchar', { length: 32, default: 'UNKNOWN' })
  status: string;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Latest readings. Needs MONITOR.' })
  @ReadRule(FieldRule.DeviceMonitor)
  @JsonColumn()
  telemetry: Record<string, unknown>;

  @Field(() => JSONObjectResolver, {
    nullable: true,
    description: "Owner's ADMINs and OPERATORs; recipients with CONFIGURE.",
  })
  @ReadRule(FieldRule.DeviceConfiguration)
  @JsonColumn()
  configuration: Record<string, unknown>;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  updatedAt: Date;
}
