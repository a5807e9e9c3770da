import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../../database/columns';
import { ShareEndReason, ShareEventType, ShareStatus } from '../share-lifecycle';

registerEnumType(ShareEventType, {
  name: 'ShareEventType',
  description: 'What changed. The event that ends a share is CANCELLED or EXPIRED, whatever ended it.',
  valuesConfig: {
    DEVICES_CANCELLED: { description: 'The sharer took devices out, or their owner deleted them; the share goes on.' },
    DEVICE_REMOVED: { description: 'The recipient removed a device from their view; the share goes on.' },
    CANCELLED: { description: 'The share ended CANCELLED (endReason says why), naming the devices it took out.' },
    EXPIRED: { description: 'The share ended EXPIRED (endReason: EXPIRED or INVITATION_EXPIRED).' },
  },
});

/**
 * The durable record of one change to a share, written in the transaction of the change. The
 * cursor grows with every event and is allocated in commit order (database/counters.ts), so
 * "everything after cursor N" never misses an event that commits later.
 */
@ObjectType({ description: 'One change to a share, in order.' })
@Entity('share_event')
@Index(['shareId', 'cursor'])
@Index(['at'])
export class ShareEvent {
  /** Allocated from the `share_event` counter; bigint, read back as a string on every database. */
  @Field({ description: 'Its position in the stream of all share events; resume after it.' })
  @PrimaryColumn('bigint', { transformer: { to: (value: string) => value, from: (value: unknown) => String(value) } })
  cursor: string;

  @Field(() => ID)
  @Column('uuid')
  shareId: string;

  @Field(() => ShareEventType)
  @Column('varchar', { length: 32 })
  type: ShareEventType;

  @Field(() => [String], { description: 'The devices the change concerns (all of the share for share-wide changes).' })
  @JsonColumn()
  deviceIds: string[];

  @Field(() => ShareStatus, { nullable: true })
  @Column('varchar', { length: 16, nullable: true })
  previousStatus: ShareStatus | null;

  @Field(() => ShareStatus)
  @Column('varchar', { length: 16 })
  status: ShareStatus;

  @Field(() => ShareEndReason, {
    nullable: true,
    description: 'Why the share ended, on the event that ends it (CANCELLED or EXPIRED); null on every other event.',
  })
  @Column('varchar', { length: 32, nullable: true })
  endReason: ShareEndReason | null;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  at: Date;
}
