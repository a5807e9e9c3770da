import { DateTimeISOResolver, JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../database/columns';
import { Device } from './device.entity';

/** What a command asks a device to do; each needs one permission (SPEC §3). */
export enum DeviceCommandKind {
  REBOOT = 'REBOOT',
  DIAGNOSTICS = 'DIAGNOSTICS',
  FIRMWARE_UPGRADE = 'FIRMWARE_UPGRADE',
  CONFIGURATION_UPDATE = 'CONFIGURATION_UPDATE',
  LICENSE = 'LICENSE',
  REPORT = 'REPORT',
}

registerEnumType(DeviceCommandKind, { name: 'DeviceCommandKind' });

/**
 * A queued command for a device. devshare speaks no device protocol: a command record is what
 * an operation leaves for the device gateway to carry out.
 */
@ObjectType({ description: 'A command queued for a device.' })
@Entity('device_command')
@Index(['deviceId', 'id'])
export class DeviceCommand {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  deviceId: string;

  @ManyToOne(() => Device, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deviceId' })
  private readonly deviceRow?: Device;

  @Column('uuid')
  issuedById: string;

  @Field(() => DeviceCommandKind)
  @Column('varchar', { length: 32 })
  kind: DeviceCommandKind;

  @Field(() => JSONObjectResolver)
  @JsonColumn()
  payload: Record<string, unknown>;

  @Field({ description: 'QUEUED until the device gateway picks it up.' })
  @Column('varchar', { length: 16 })
  status: string;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;
}
