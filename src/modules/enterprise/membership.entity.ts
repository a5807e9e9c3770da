import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Role } from '../../common/roles';
import { InstantColumn } from '../../database/columns';
import { Account } from '../account/account.entity';
import { EnterpriseOwned } from './enterprise-owned.entity';

registerEnumType(Role, {
  name: 'Role',
  description: 'ADMIN manages members and devices; OPERATOR operates devices; VIEWER reads.',
});

@ObjectType({ description: "An account's role in an enterprise." })
@Entity('membership')
@Index(['enterpriseId', 'accountId'], { unique: true })
@Index(['accountId'])
export class Membership extends EnterpriseOwned {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  accountId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'accountId' })
  private readonly accountRow?: Account;

  @Field(() => Role)
  @Column('varchar', { length: 16 })
  role: Role;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}
