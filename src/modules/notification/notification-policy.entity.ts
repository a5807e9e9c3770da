import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import { EnterpriseOwned } from '../enterprise/enterprise-owned.entity';

@ObjectType({ description: "An enterprise's alert policy and the devices it watches." })
@Entity('notification_policy')
@Index(['enterpriseId', 'id'])
export class NotificationPolicy extends EnterpriseOwned {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field()
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}

/** A device in a policy; the device may belong to the enterprise or be shared with it. */
@Entity('notification_policy_device')
@Index(['policyId', 'deviceId'], { unique: true })
@Index(['deviceId'])
export class NotificationPolicyDevice {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  policyId: string;

  @Column('uuid')
  deviceId: string;

  @ManyToOne(() => NotificationPolicy, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policyId' })
  private readonly policyRow?: NotificationPolicy;

  @InstantColumn()
  addedAt: Date;
}
