import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Role } from '../../common/roles';
import { InstantColumn } from '../../database/columns';
import { Account } from '../account/account.entity';
import { EnterpriseOwned } from './enterprise-owned.entity';
import { MembershipInvitationStatus } from './membership-invitation-lifecycle';

registerEnumType(MembershipInvitationStatus, {
  name: 'MembershipInvitationStatus',
  description: 'PENDING → ACCEPTED, DECLINED or REVOKED; EXPIRED once its deadline passed unanswered.',
});

/**
 * An ADMIN's offer of a role in their enterprise to whoever holds `email`: membership needs the
 * invitee's consent (SPEC §5). At most one PENDING invitation per enterprise and e-mail (inviting
 * again refreshes it); the rows stay after they are answered, as a record.
 */
@ObjectType({ description: 'An invitation to join an enterprise, answered by the holder of its e-mail.' })
@Entity('membership_invitation')
@Index(['enterpriseId', 'status', 'email'])
@Index(['email', 'status'])
export class MembershipInvitation extends EnterpriseOwned {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'Who is invited (normalised); an account with this e-mail, once verified, answers.' })
  @Column('varchar', { length: 254 })
  email: string;

  @Field(() => Role, { description: 'The role the invitee gets on accepting.' })
  @Column('varchar', { length: 16 })
  role: Role;

  /** As stored: PENDING, ACCEPTED, DECLINED or REVOKED. EXPIRED is read from the deadline (see the lifecycle). */
  @Column('varchar', { length: 16 })
  status: MembershipInvitationStatus;

  /** The ADMIN who sent (or last refreshed) it. */
  @Column('uuid')
  invitedById: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invitedById' })
  private readonly invitedByRow?: Account;

  @Field(() => DateTimeISOResolver)
  @InstantColumn()
  createdAt: Date;

  @Field(() => DateTimeISOResolver, { description: 'Unanswered by then, it expires; inviting again renews it.' })
  @InstantColumn()
  expiresAt: Date;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When it was accepted, declined or revoked.' })
  @InstantColumn({ nullable: true })
  answeredAt: Date | null;
}
