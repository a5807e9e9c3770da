import { ErrorCode } from '../../src/common/errors';
import { Role } from '../../src/common/roles';
import { DevicePlan } from '../../src/modules/device/device-plan';
import { effectivePermissions, isDegraded, Permission } from '../../src/modules/device/device-permissions';
import {
  invitationDeadline,
  judgeDevice,
  requestProblems,
  type ShareCandidate,
} from '../../src/modules/share/share-rules';

const candidate = (overrides: Partial<ShareCandidate> = {}): ShareCandidate => ({
  deviceId: 'd1',
  viewerRole: Role.ADMIN,
  operatorsCanShare: true,
  sharedToViewer: false,
  isDemo: false,
  plan: DevicePlan.STANDARD,
  liveRecipients: [],
  ...overrides,
});
const codeOf = (overrides: Partial<ShareCandidate>) => judgeDevice(candidate(overrides), 'r@example.com', 5).code;

describe('share rules: which devices may be shared', () => {
  it('an ADMIN shares a STANDARD or ADVANCED device', () => {
    expect(codeOf({})).toBeNull();
    expect(codeOf({ plan: DevicePlan.ADVANCED })).toBeNull();
  });

  it('rule 1: OPERATORs share only when the enterprise allows it; VIEWERs never (FORBIDDEN)', () => {
    expect(codeOf({ viewerRole: Role.OPERATOR })).toBeNull();
    expect(codeOf({ viewerRole: Role.OPERATOR, operatorsCanShare: false })).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf({ viewerRole: Role.VIEWER })).toBe(ErrorCode.FORBIDDEN);
  });

  it('rule 2: a device shared with the viewer cannot be shared on (RESHARE_FORBIDDEN)', () => {
    expect(codeOf({ viewerRole: undefined, sharedToViewer: true })).toBe(ErrorCode.RESHARE_FORBIDDEN);
  });

  it('a device the viewer cannot see at all is NOT_FOUND', () => {
    expect(codeOf({ viewerRole: undefined })).toBe(ErrorCode.NOT_FOUND);
  });

  it('rule 3: no demo device (DEMO_DEVICE)', () => {
    expect(codeOf({ isDemo: true })).toBe(ErrorCode.DEMO_DEVICE);
  });

  it('rule 4: a BASIC device is not eligible (PLAN_NOT_ELIGIBLE)', () => {
    expect(codeOf({ plan: DevicePlan.BASIC })).toBe(ErrorCode.PLAN_NOT_ELIGIBLE);
  });

  it('rule 5: at most 5 distinct live recipients; a current recipient may get another share', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((x) => `${x}@example.com`);
    expect(codeOf({ liveRecipients: five.slice(0, 4) })).toBeNull();
    expect(codeOf({ liveRecipients: five })).toBe(ErrorCode.SHARE_LIMIT_REACHED);
    expect(codeOf({ liveRecipients: [...five.slice(0, 4), 'r@example.com'] })).toBeNull();
    expect(codeOf({ liveRecipients: [...five.slice(0, 4), 'a@example.com', 'a@example.com'] })).toBeNull();
  });
});

describe('share rules: the request as a whole (rule 6)', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  const facts = {
    sharerEmail: 's@example.com',
    recipientEmail: 'r@example.com',
    permissions: [Permission.MONITOR],
    expiresAt: null,
    now,
    recipientIsMember: false,
  };

  it('a valid request has no problems', () => {
    expect(requestProblems(facts)).toEqual([]);
  });

  it('not to oneself, not to a member, at least one permission', () => {
    expect(requestProblems({ ...facts, recipientEmail: 's@example.com' })).toEqual([
      'You cannot share devices with yourself',
    ]);
    expect(requestProblems({ ...facts, recipientIsMember: true })).toEqual([
      'r@example.com is a member of this enterprise already',
    ]);
    expect(requestProblems({ ...facts, permissions: [] })).toEqual(['Choose at least one permission']);
  });

  it('expiresAt is in the future and at most 10 years ahead', () => {
    expect(requestProblems({ ...facts, expiresAt: now })).toEqual(['expiresAt must be in the future']);
    expect(requestProblems({ ...facts, expiresAt: new Date('2036-11-24T00:00:00Z') })).toEqual([]);
    expect(requestProblems({ ...facts, expiresAt: new Date('2036-11-24T00:00:01Z') })).toEqual([
      'expiresAt is at most 10 years ahead',
    ]);
  });

  it('the invitation is valid 7 days, never past the share’s expiry', () => {
    expect(invitationDeadline(now, null)).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(invitationDeadline(now, new Date('2026-11-25T00:00:00Z'))).toEqual(new Date('2026-11-25T00:00:00Z'));
  });
});

describe('effective permissions (SPEC §3)', () => {
  const all = Object.values(Permission);

  it('are the granted permissions on STANDARD and ADVANCED plans', () => {
    expect(effectivePermissions(all, DevicePlan.STANDARD)).toEqual(all);
    expect(effectivePermissions([Permission.CONTROL], DevicePlan.ADVANCED)).toEqual([Permission.CONTROL]);
  });

  it('keep only MONITOR and REPORTS on BASIC, which marks the share degraded', () => {
    expect(effectivePermissions(all, DevicePlan.BASIC)).toEqual([Permission.MONITOR, Permission.REPORTS]);
    expect(isDegraded(all, DevicePlan.BASIC)).toBe(true);
    expect(isDegraded([Permission.MONITOR, Permission.REPORTS], DevicePlan.BASIC)).toBe(false);
    expect(isDegraded(all, DevicePlan.STANDARD)).toBe(false);
  });
});
