import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../database/columns';
import { Account } from '../account/account.entity';
import { EnterpriseOwned } from '../enterprise/enterprise-owned.entity';
import { SharedDeviceStatus, ShareEndReason, ShareStatus } from './share-lifecycle';
import { Permission } from '../device/device-permissions';

registerEnumType(ShareStatus, {
  name: 'ShareStatus',
  description: 'PENDING (sent) → ACTIVE (accepted) → CANCELLED or EXPIRED; the last two are final.',
});
registerEnumType(SharedDeviceStatus, { name: 'SharedDeviceStatus' });
registerEnumType(ShareEndReason, {
  name: 'ShareEndReason',
  description: 'Why a share ended (CANCELLED or EXPIRED).',
  valuesConfig: {
    CANCELLED_BY_SHARER: {
      description: 'The sharer (or an ADMIN of its enterprise) cancelled it, or took out its last device.',
    },
    DECLINED: { description: 'The recipient declined the invitation.' },
    LEFT_BY_RECIPIENT: { description: 'The recipient left the accepted share.' },
    ALL_DEVICES_REMOVED: { description: 'The recipient removed its last device from their view.' },
    DEVICE_DELETED: { description: 'The owner deleted its last device.' },
    EXPIRED: { description: 'The accepted share reached its expiry.' },
    INVITATION_EXPIRED: { description: 'Nobody accepted it in time.' },
  },
});
registerEnumType(Permission, { name: 'Permission', description: 'An operation permission on a shared device.' });

/**
 * One grant from a sharer to one recipient e-mail, with one fixed permission set. Its
 * `enterpriseId` is the sharer's enterprise, which owns the devices.
 */
@ObjectType({ description: 'A grant of permissions on some devices, from a sharer to one recipient.' })
@Entity('share')
@Index(['enterpriseId', 'id'])
@Index(['recipientEmail', 'status'])
@Index(['sharerId', 'id'])
@Index(['recipientId', 'id'])
@Index(['receivingEnterpriseId', 'status'])
@Index(['status', 'expiresAt'])
@Index(['status', 'invitationExpiresAt'])
export class Share extends EnterpriseOwned {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  sharerId: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sharerId' })
  private readonly sharerRow?: Account;

  @Field({ description: 'Who the share is addressed to (normalised).' })
  @Column('varchar', { length: 254 })
  recipientEmail: string;

  @Column('uuid', { nullable: true })
  recipientId: string | null;

  @Column('uuid', { nullable: true })
  receivingEnterpriseId: string | null;

  @Field(() => [Permission], { description: 'Fixed once saved; to change them, create a new share.' })
  @JsonColumn()
  permissions: Permission[];

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Null: never expires.' })
  @InstantColumn({ nullable: true })
  expiresAt: Date | null;

  @Field(() => DateTimeISOResolver, { description: 'A PENDING share expires when this passes.' })
  @InstantColumn()
  invitationExpiresAt: Date;

  @Field(() => String, { nullable: true })
  @Column('varchar', { length: 500, nullable: true })
  description: string | null;

  @Field(() => ShareStatus)
  @Column('varchar', { length: 16 })
  status: ShareStatus;

  /** Random input of the link token's HMAC: the token itself is never stored. */
  @Column('varchar', { length: 64 })
  linkNonce: string;

  /** Random input of the confirmation code's HMAC; replaced when the invitation is re-sent. */
  @Column('varchar', { length: 64 })
  codeNonce: string;

  @Column('integer', { default: 0 })
  codeFailures: number;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  updatedAt: Date;

  @Field(() => DateTimeISOResolver, { nullable: true })
  @InstantColumn({ nullable: true })
  acceptedAt: Date | null;

  /** When the "expiring soon" notice went out; cleared when the share is extended. */
  @InstantColumn({ nullable: true })
  expiryWarnedAt: Date | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When it was cancelled or expired.' })
  @InstantColumn({ nullable: true })
  endedAt: Date | null;

  @Field(() => ShareEndReason, { nullable: true, description: 'Why it ended; null while it is PENDING or ACTIVE.' })
  @Column('varchar', { length: 32, nullable: true })
  endReason: ShareEndReason | null;
}

/** One device inside a share. Keeps no foreign key to the device: it outlives its deletion. */
@ObjectType({ description: 'One device inside a share, with its own status.' })
@Entity('shared_device')
@Index(['deviceId', 'status'])
@Index(['shareId', 'id'])
@Index(['enterpriseId', 'id'])
export class SharedDevice {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  shareId: string;

  /**
   * The enterprise of the share (`share.enterpriseId`, which never changes), kept on each row so
   * that the share graph pages through one enterprise's edges in id order from one index
   * (`(enterpriseId, id)`), without joining every share of the enterprise first.
   */
  @Column('uuid')
  enterpriseId: string;

  @ManyToOne(() => Share, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shareId' })
  private readonly shareRow?: Share;

  @Field(() => ID)
  @Column('uuid')
  deviceId: string;

  @Field(() => SharedDeviceStatus)
  @Column('varchar', { length: 16 })
  status: SharedDeviceStatus;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  addedAt: Date;

  @Field(() => DateTimeISOResolver, { nullable: true })
  @InstantColumn({ nullable: true })
  endedAt: Date | null;
}
