/*
 * The rules for creating a share and adding devices to one (SPEC §2, "Creating a share"), as
 * pure functions over facts the service gathers. Each broken rule has its own error code.
 */
import { ErrorCode } from '../../common/error-codes';
import { Role } from '../../common/roles';
import { DevicePlan } from '../device/device-plan';
import type { Permission } from '../device/device-permissions';

export const MAX_EXPIRY_YEARS = 10;
export const INVITATION_VALIDITY_MS = 7 * 24 * 3600 * 1000;

/** What the service knows about one device the viewer asks to share. */
export interface ShareCandidate {
  deviceId: string;
  /** The viewer's role in the device's owner enterprise, if a member. */
  viewerRole: Role | undefined;
  /** The owner enterprise's `operatorsCanShare` setting. */
  operatorsCanShare: boolean;
  /** The device reached the viewer through a share to them, not through ownership. */
  sharedToViewer: boolean;
  isDemo: boolean;
  plan: DevicePlan;
  /** Distinct recipient e-mails of the device's PENDING and ACTIVE shares. */
  liveRecipients: readonly string[];
}

export interface DeviceVerdict {
  deviceId: string;
  /** null when the device can be shared. */
  code: ErrorCode | null;
  reason: string | null;
}

export const mayShare = (role: Role | undefined, operatorsCanShare: boolean): boolean =>
  role === Role.ADMIN || (role === Role.OPERATOR && operatorsCanShare);

/** Whether one device can be shared with `recipientEmail`, and if not, which rule says no. */
export function judgeDevice(candidate: ShareCandidate, recipientEmail: string, maxRecipients: number): DeviceVerdict {
  const refuse = (code: ErrorCode, reason: string): DeviceVerdict => ({ deviceId: candidate.deviceId, code, reason });
  if (!candidate.viewerRole) {
    return candidate.sharedToViewer
      ? refuse(ErrorCode.RESHARE_FORBIDDEN, 'A device shared with you cannot be shared on')
      : refuse(ErrorCode.NOT_FOUND, 'Device not found');
  }
  if (!mayShare(candidate.viewerRole, candidate.operatorsCanShare)) {
    return refuse(ErrorCode.FORBIDDEN, `Your role (${candidate.viewerRole}) may not share devices`);
  }
  if (candidate.isDemo) return refuse(ErrorCode.DEMO_DEVICE, 'Demo devices cannot be shared');
  if (candidate.plan === DevicePlan.BASIC) {
    return refuse(ErrorCode.PLAN_NOT_ELIGIBLE, 'Only devices on a STANDARD or ADVANCED plan can be shared');
  }
  const recipients = new Set(candidate.liveRecipients);
  if (!recipients.has(recipientEmail) && recipients.size >= maxRecipients) {
    return refuse(ErrorCode.SHARE_LIMIT_REACHED, `A device is shared with at most ${maxRecipients} recipients`);
  }
  return { deviceId: candidate.deviceId, code: null, reason: null };
}

/** What the service knows about the request as a whole. */
export interface ShareRequestFacts {
  sharerEmail: string;
  recipientEmail: string;
  permissions: readonly Permission[];
  expiresAt: Date | null;
  now: Date;
  /** The recipient is already a member of the devices' enterprise, so sees them anyway. */
  recipientIsMember: boolean;
}

/** The BAD_USER_INPUT problems of a share request (empty when there are none). */
export function requestProblems(facts: ShareRequestFacts): string[] {
  const problems: string[] = [];
  if (facts.recipientEmail === facts.sharerEmail) problems.push('You cannot share devices with yourself');
  else if (facts.recipientIsMember) problems.push(`${facts.recipientEmail} is a member of this enterprise already`);
  if (facts.permissions.length === 0) problems.push('Choose at least one permission');
  const expiry = facts.expiresAt && expiryProblem(facts.expiresAt, facts.now);
  if (expiry) problems.push(expiry);
  return problems;
}

/** Why an expiry cannot be used, or null: it must be in the future and at most 10 years ahead. */
export function expiryProblem(expiresAt: Date, now: Date): string | null {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_EXPIRY_YEARS);
  if (expiresAt <= now) return 'expiresAt must be in the future';
  if (expiresAt > latest) return `expiresAt is at most ${MAX_EXPIRY_YEARS} years ahead`;
  return null;
}

/** An invitation is valid for 7 days, and never past the share's own expiry. */
export function invitationDeadline(now: Date, expiresAt: Date | null): Date {
  const deadline = new Date(now.getTime() + INVITATION_VALIDITY_MS);
  return expiresAt && expiresAt < deadline ? expiresAt : deadline;
}
