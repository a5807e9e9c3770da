import { ErrorCode } from '../../src/common/errors';
import {
  MembershipInvitationAction,
  membershipInvitationStatus,
  MembershipInvitationStatus,
  membershipInvitationTransition,
} from '../../src/modules/enterprise/membership-invitation-lifecycle';

const { PENDING, ACCEPTED, DECLINED, REVOKED, EXPIRED } = MembershipInvitationStatus;
const A = MembershipInvitationAction;
const ok = (status: MembershipInvitationStatus) => ({ allowed: true, status });
const no = (code: ErrorCode) => expect.objectContaining({ allowed: false, code });
const answered = no(ErrorCode.CONFLICT);

/** Every status × every action: the expected outcome, written out in full. */
const EXPECTED: Record<MembershipInvitationStatus, Record<MembershipInvitationAction, unknown>> = {
  [PENDING]: { [A.REFRESH]: ok(PENDING), [A.ACCEPT]: ok(ACCEPTED), [A.DECLINE]: ok(DECLINED), [A.REVOKE]: ok(REVOKED) },
  [EXPIRED]: {
    [A.REFRESH]: ok(PENDING),
    [A.ACCEPT]: no(ErrorCode.INVITATION_EXPIRED),
    [A.DECLINE]: no(ErrorCode.INVITATION_EXPIRED),
    [A.REVOKE]: ok(REVOKED),
  },
  [ACCEPTED]: { [A.REFRESH]: answered, [A.ACCEPT]: answered, [A.DECLINE]: answered, [A.REVOKE]: answered },
  [DECLINED]: { [A.REFRESH]: answered, [A.ACCEPT]: answered, [A.DECLINE]: answered, [A.REVOKE]: answered },
  [REVOKED]: { [A.REFRESH]: answered, [A.ACCEPT]: answered, [A.DECLINE]: answered, [A.REVOKE]: answered },
};

describe('membership invitation lifecycle', () => {
  const cases = Object.values(MembershipInvitationStatus).flatMap((status) =>
    Object.values(MembershipInvitationAction).map((action) => [status, action] as const),
  );

  it.each(cases)('%s × %s', (status, action) => {
    expect(membershipInvitationTransition(status, action)).toEqual(EXPECTED[status][action]);
  });

  it('a PENDING invitation is EXPIRED from its deadline on; answered ones keep their status', () => {
    const expiresAt = new Date('2026-12-15T12:00:00Z');
    const before = new Date(expiresAt.getTime() - 1);
    expect(membershipInvitationStatus({ status: PENDING, expiresAt }, before)).toBe(PENDING);
    expect(membershipInvitationStatus({ status: PENDING, expiresAt }, expiresAt)).toBe(EXPIRED);
    for (const status of [ACCEPTED, DECLINED, REVOKED]) {
      expect(membershipInvitationStatus({ status, expiresAt }, expiresAt)).toBe(status);
    }
  });
});
