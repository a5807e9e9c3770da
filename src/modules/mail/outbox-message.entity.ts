import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../database/columns';

/**
 * An e-mail to send, written in the transaction of the change that causes it, so that a change
 * and its notice commit together; the mail sender delivers it afterwards, at least once.
 */
@Entity('outbox_message')
@Index(['sentAt', 'nextAttemptAt'])
export class OutboxMessage {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 254 })
  to: string;

  /** invitation, accepted, cancelled, expiring_soon, expired */
  @Column('varchar', { length: 32 })
  template: string;

  @JsonColumn()
  payload: Record<string, unknown>;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  sentAt: Date | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @InstantColumn()
  nextAttemptAt: Date;

  @Column('varchar', { length: 500, nullable: true })
  lastError: string | null;
}
