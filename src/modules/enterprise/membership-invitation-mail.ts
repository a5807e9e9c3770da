import type { Clock } from '../../common/clock';
import type { MailRenderer } from '../mail/mail-outbox';
import { Account } from '../account/account.entity';
import { Enterprise } from './enterprise.entity';
import { MembershipInvitationStatus, membershipInvitationStatus } from './membership-invitation-lifecycle';
import { MembershipInvitation } from './membership-invitation.entity';

declare module '../../context/change' {
  interface MailPayloads {
    membership_invitation: { invitationId: string };
  }
}

/**
 * Tells the invitee who invites them into which enterprise, with which role, until when, and that
 * nothing happens unless they accept. Rendered from the invitation as it is when the mail is sent:
 * it names the current role and deadline, and nothing goes out for an invitation that was
 * answered or revoked meanwhile, or that has expired.
 */
export function membershipInvitationMail(clock: Clock): MailRenderer<{ invitationId: string }> {
  return async ({ invitationId }, manager) => {
    const invitation = await manager.findOneBy(MembershipInvitation, { id: invitationId });
    if (!invitation || membershipInvitationStatus(invitation, clock.now()) !== MembershipInvitationStatus.PENDING) {
      return null;
    }
    // In turn: the renderer's transaction has one connection.
    const enterprise = await manager.findOneByOrFail(Enterprise, { id: invitation.enterpriseId });
    const inviter = await manager.findOneByOrFail(Account, { id: invitation.invitedById });
    return {
      subject: `You are invited to join ${enterprise.name} on devshare`,
      text:
        `${inviter.name} invites you to join ${enterprise.name} on devshare as ${invitation.role}.\n\n` +
        'You become a member only if you accept. Log in with this e-mail address to accept or decline:\n' +
        `the invitation (id ${invitation.id}) is listed under myMembershipInvitations.\n` +
        `It is valid until ${invitation.expiresAt.toISOString()}.\n`,
    };
  };
}
