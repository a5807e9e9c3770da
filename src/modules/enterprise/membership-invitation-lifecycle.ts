/*
 * Membership needs consent (SPEC §5): an ADMIN's addMember only invites, and the invitee answers.
 * The invitation's lifecycle as plain data and functions: no GraphQL, no database.
 */
import { ErrorCode } from '../../common/error-codes';

/** How long an invitation can be answered; an ADMIN may invite again to refresh it. */
export const MEMBERSHIP_INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

export enum MembershipInvitationStatus {
  /** Waiting for the invitee's answer. */
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  /** An ADMIN withdrew it before it was answered. */
  REVOKED = 'REVOKED',
  /** Nobody answered before `expiresAt`: never stored, read from a PENDING one past its deadline. */
  EXPIRED = 'EXPIRED',
}

export enum MembershipInvitationAction {
  /** An ADMIN invites the same e-mail again: new role, new deadline, new e-mail. */
  REFRESH = 'REFRESH',
  ACCEPT = 'ACCEPT',
  DECLINE = 'DECLINE',
  REVOKE = 'REVOKE',
}

const { PENDING, ACCEPTED, DECLINED, REVOKED, EXPIRED } = MembershipInvitationStatus;

/** What each action makes of each status; an action missing from a row is refused. */
export const MEMBERSHIP_INVITATION_TRANSITIONS: Readonly<
  Record<MembershipInvitationStatus, Partial<Record<MembershipInvitationAction, MembershipInvitationStatus>>>
> = {
  [PENDING]: {
    [MembershipInvitationAction.REFRESH]: PENDING,
    [MembershipInvitationAction.ACCEPT]: ACCEPTED,
    [MembershipInvitationAction.DECLINE]: DECLINED,
    [MembershipInvitationAction.REVOKE]: REVOKED,
  },
  // Past its deadline an invitation can no longer be answered, but its ADMINs can still renew or withdraw it.
  [EXPIRED]: {
    [MembershipInvitationAction.REFRESH]: PENDING,
    [MembershipInvitationAction.REVOKE]: REVOKED,
  },
  [ACCEPTED]: {},
  [DECLINED]: {},
  [REVOKED]: {},
};

/** The status an invitation stored as `status` has at `now` (a PENDING one past its deadline is EXPIRED). */
export function membershipInvitationStatus(
  invitation: { status: MembershipInvitationStatus; expiresAt: Date },
  now: Date,
): MembershipInvitationStatus {
  return invitation.status === PENDING && invitation.expiresAt.getTime() <= now.getTime() ? EXPIRED : invitation.status;
}

export type MembershipInvitationTransition =
  { allowed: true; status: MembershipInvitationStatus } | { allowed: false; code: ErrorCode; message: string };

/** What `action` does to an invitation that is in `status` now. */
export function membershipInvitationTransition(
  status: MembershipInvitationStatus,
  action: MembershipInvitationAction,
): MembershipInvitationTransition {
  const next = MEMBERSHIP_INVITATION_TRANSITIONS[status][action];
  if (next !== undefined) return { allowed: true, status: next };
  if (status === EXPIRED) {
    return {
      allowed: false,
      code: ErrorCode.INVITATION_EXPIRED,
      message: 'This invitation has expired: ask an ADMIN of the enterprise to invite you again',
    };
  }
  return { allowed: false, code: ErrorCode.CONFLICT, message: `This invitation was already ${status.toLowerCase()}` };
}
