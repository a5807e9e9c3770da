import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import { EnterpriseOwned } from '../enterprise/enterprise-owned.entity';

@ObjectType({ description: 'A node of the device-group tree inside an enterprise.' })
@Entity('device_group')
@Index(['enterpriseId'])
@Index(['parentId'])
export class DeviceGroup extends EnterpriseOwned {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { nullable: true })
  parentId: string | null;

  @ManyToOne(() => DeviceGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parentId' })
  private readonly parentRow?: DeviceGroup;

  @Field()
  @Column('varchar', { length: 100 })
  name: string;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}
