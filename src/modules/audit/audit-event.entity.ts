import { DateTimeISOResolver, JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../database/columns';

/**
 * One action by one account. Kept without foreign keys on purpose: the log outlives the
 * devices, groups and memberships it mentions.
 */
@ObjectType({ description: 'An entry of the event log: who did what to which object, and when.' })
@Entity('audit_event')
@Index(['enterpriseId', 'id'])
@Index(['actorId', 'id'])
@Index(['targetId', 'id'])
export class AuditEvent {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Field(() => ID, { nullable: true, description: 'The enterprise the action was taken in.' })
  @Column('uuid', { nullable: true })
  enterpriseId: string | null;

  @Field({ description: 'What was done, e.g. device.registered.' })
  @Column('varchar', { length: 64 })
  action: string;

  @Field({ description: 'The kind of object acted on, e.g. Device.' })
  @Column('varchar', { length: 32 })
  targetType: string;

  @Field(() => ID)
  @Column('varchar', { length: 64 })
  targetId: string;

  @Field(() => JSONObjectResolver)
  @JsonColumn()
  details: Record<string, unknown>;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  at: Date;
}
