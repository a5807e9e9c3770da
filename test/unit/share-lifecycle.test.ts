import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import {
  CREATION,
  deviceStatusFor,
  END_MAILS,
  endedDeviceStatus,
  endReason,
  eventOf,
  isLive,
  STEP_EFFECTS,
  ShareAction,
  ShareEventType,
  SharedDeviceStatus,
  ShareEndReason,
  ShareStatus,
  transition,
} from '../../src/modules/share/share-lifecycle';

const { PENDING, ACTIVE, CANCELLED, EXPIRED } = ShareStatus;
const A = ShareAction;
const ok = (status: ShareStatus) => ({ allowed: true, status });
const no = (code: ErrorCode) => expect.objectContaining({ allowed: false, code });

/** Every status × every action: the expected outcome, written out in full. */
const EXPECTED: Record<ShareStatus, Record<ShareAction, unknown>> = {
  [PENDING]: {
    [A.ACCEPT]: ok(ACTIVE),
    [A.ADD_DEVICES]: ok(PENDING),
    [A.EXTEND]: ok(PENDING),
    [A.RESEND_INVITATION]: ok(PENDING),
    [A.COPY_LINK]: ok(PENDING),
    [A.CANCEL]: ok(CANCELLED),
    [A.CANCEL_DEVICES]: ok(PENDING),
    [A.REMOVE_DEVICE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.DELETE_DEVICE]: ok(PENDING),
    [A.EXPIRE]: ok(EXPIRED),
    [A.EXPIRE_INVITATION]: ok(EXPIRED),
    [A.DECLINE]: ok(CANCELLED),
    [A.LEAVE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.WARN_EXPIRY]: ok(PENDING),
    [A.DEGRADE]: ok(PENDING),
    [A.RESTORE]: ok(PENDING),
  },
  [ACTIVE]: {
    [A.ACCEPT]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.ADD_DEVICES]: ok(ACTIVE),
    [A.EXTEND]: ok(ACTIVE),
    [A.RESEND_INVITATION]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.COPY_LINK]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.CANCEL]: ok(CANCELLED),
    [A.CANCEL_DEVICES]: ok(ACTIVE),
    [A.REMOVE_DEVICE]: ok(ACTIVE),
    [A.DELETE_DEVICE]: ok(ACTIVE),
    [A.EXPIRE]: ok(EXPIRED),
    [A.EXPIRE_INVITATION]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.DECLINE]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.LEAVE]: ok(CANCELLED),
    [A.WARN_EXPIRY]: ok(ACTIVE),
    [A.DEGRADE]: ok(ACTIVE),
    [A.RESTORE]: ok(ACTIVE),
  },
  [CANCELLED]: {
    [A.ACCEPT]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.ADD_DEVICES]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.EXTEND]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.RESEND_INVITATION]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.COPY_LINK]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.CANCEL]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.CANCEL_DEVICES]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.REMOVE_DEVICE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.DELETE_DEVICE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.EXPIRE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.EXPIRE_INVITATION]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.DECLINE]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.LEAVE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.WARN_EXPIRY]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.DEGRADE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.RESTORE]: no(ErrorCode.SHARE_NOT_ACTIVE),
  },
  [EXPIRED]: {
    [A.ACCEPT]: no(ErrorCode.INVITATION_EXPIRED),
    [A.ADD_DEVICES]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.EXTEND]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.RESEND_INVITATION]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.COPY_LINK]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.CANCEL]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.CANCEL_DEVICES]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.REMOVE_DEVICE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.DELETE_DEVICE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.EXPIRE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.EXPIRE_INVITATION]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.DECLINE]: no(ErrorCode.SHARE_NOT_PENDING),
    [A.LEAVE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.WARN_EXPIRY]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.DEGRADE]: no(ErrorCode.SHARE_NOT_ACTIVE),
    [A.RESTORE]: no(ErrorCode.SHARE_NOT_ACTIVE),
  },
};

const E = ShareEndReason;
const none = Object.fromEntries(Object.values(ShareAction).map((action) => [action, null])) as Record<
  ShareAction,
  ShareEndReason | null
>;

/**
 * Every status × every action: why the share ends when the action ends it (device removals
 * taking out the last live device), or null when the action does not end it from that status.
 */
const EXPECTED_END_REASON: Record<ShareStatus, Record<ShareAction, ShareEndReason | null>> = {
  [PENDING]: {
    ...none,
    [A.CANCEL]: E.CANCELLED_BY_SHARER,
    [A.CANCEL_DEVICES]: E.CANCELLED_BY_SHARER,
    [A.DELETE_DEVICE]: E.DEVICE_DELETED,
    [A.EXPIRE]: E.INVITATION_EXPIRED,
    [A.EXPIRE_INVITATION]: E.INVITATION_EXPIRED,
    [A.DECLINE]: E.DECLINED,
  },
  [ACTIVE]: {
    ...none,
    [A.CANCEL]: E.CANCELLED_BY_SHARER,
    [A.CANCEL_DEVICES]: E.CANCELLED_BY_SHARER,
    [A.REMOVE_DEVICE]: E.ALL_DEVICES_REMOVED,
    [A.DELETE_DEVICE]: E.DEVICE_DELETED,
    [A.EXPIRE]: E.EXPIRED,
    [A.LEAVE]: E.LEFT_BY_RECIPIENT,
  },
  [CANCELLED]: none,
  [EXPIRED]: none,
};

describe('share lifecycle transition table', () => {
  const cases = Object.values(ShareStatus).flatMap((status) =>
    Object.values(ShareAction).map((action) => [status, action] as const),
  );

  it('covers every status × every action', () => {
    expect(cases).toHaveLength(Object.values(ShareStatus).length * Object.values(ShareAction).length);
  });

  it.each(cases)('%s + %s', (status, action) => {
    expect(transition(status, action, 1)).toEqual(EXPECTED[status][action]);
  });

  it('CANCELLED and EXPIRED are final: no action leads out of them', () => {
    for (const status of [CANCELLED, EXPIRED]) {
      for (const action of Object.values(ShareAction)) expect(transition(status, action).allowed).toBe(false);
    }
  });

  it.each([A.CANCEL_DEVICES, A.REMOVE_DEVICE, A.DELETE_DEVICE])(
    '%s that leaves no live device cancels the share',
    (action) => {
      expect(transition(ACTIVE, action, 0)).toEqual(ok(CANCELLED));
      expect(transition(ACTIVE, action, 2)).toEqual(ok(ACTIVE));
    },
  );

  it.each(cases)('%s + %s ends the share with its reason, or not at all', (status, action) => {
    const outcome = transition(status, action, 0);
    const ends = outcome.allowed && !isLive(outcome.status);
    expect(ends ? endReason(status, action) : null).toEqual(EXPECTED_END_REASON[status][action]);
  });

  it('every transition that ends a share says why', () => {
    for (const [status, action] of cases) {
      const outcome = transition(status, action, 0);
      if (outcome.allowed && !isLive(outcome.status)) expect(endReason(status, action)).not.toBeNull();
    }
  });

  it('DECLINE and LEAVE are the recipient’s: a declined invitation and a left share are CANCELLED', () => {
    expect(transition(PENDING, A.DECLINE)).toEqual(ok(CANCELLED));
    expect(transition(ACTIVE, A.LEAVE)).toEqual(ok(CANCELLED));
    expect(transition(ACTIVE, A.DECLINE)).toEqual(no(ErrorCode.SHARE_NOT_PENDING));
    expect(transition(PENDING, A.LEAVE)).toEqual(no(ErrorCode.SHARE_NOT_ACTIVE));
  });

  it('the devices an action takes out end in its own status; the others follow their share', () => {
    expect(endedDeviceStatus(A.LEAVE, CANCELLED)).toBe(SharedDeviceStatus.REMOVED);
    expect(endedDeviceStatus(A.REMOVE_DEVICE, CANCELLED)).toBe(SharedDeviceStatus.REMOVED);
    expect(endedDeviceStatus(A.CANCEL_DEVICES, ACTIVE)).toBe(SharedDeviceStatus.CANCELLED);
    expect(endedDeviceStatus(A.DELETE_DEVICE, CANCELLED)).toBe(SharedDeviceStatus.DELETED);
    expect(endedDeviceStatus(A.DECLINE, CANCELLED)).toBe(SharedDeviceStatus.CANCELLED);
    expect(endedDeviceStatus(A.CANCEL, CANCELLED)).toBe(SharedDeviceStatus.CANCELLED);
    expect(endedDeviceStatus(A.EXPIRE, EXPIRED)).toBe(SharedDeviceStatus.EXPIRED);
    expect(endedDeviceStatus(A.EXPIRE_INVITATION, EXPIRED)).toBe(SharedDeviceStatus.EXPIRED);
  });

  it('refusals explain themselves', () => {
    const refused = transition(CANCELLED, A.EXTEND);
    expect(refused).toEqual({ allowed: false, code: ErrorCode.SHARE_NOT_ACTIVE, message: 'The share is cancelled' });
  });

  it('devices follow their share into each status', () => {
    expect(Object.values(ShareStatus).map(deviceStatusFor)).toEqual([
      SharedDeviceStatus.PENDING,
      SharedDeviceStatus.ACTIVE,
      SharedDeviceStatus.CANCELLED,
      SharedDeviceStatus.EXPIRED,
    ]);
  });
});

describe('what each step does (STEP_EFFECTS)', () => {
  const cases = Object.values(ShareStatus).flatMap((status) =>
    Object.values(ShareAction).map((action) => [status, action] as const),
  );

  it('every action declares its effects, and each audit action is spelled once', () => {
    expect(Object.keys(STEP_EFFECTS).sort()).toEqual(Object.values(ShareAction).sort());
    const audited = [CREATION, ...Object.values(STEP_EFFECTS)].map((effects) => effects.audit).filter(Boolean);
    // Both kinds of expiry are one audited fact: the share expired.
    expect(audited.filter((action) => action !== 'share.expired')).toEqual([
      ...new Set(audited.filter((action) => action !== 'share.expired')),
    ]);
    for (const action of audited) expect(action).toMatch(/^share\.[a-z_]+$/);
  });

  it('every allowed step that changes something records an event; the one that ends a share has its final type', () => {
    for (const [status, action] of cases) {
      for (const left of [0, 1]) {
        const outcome = transition(status, action, left);
        if (!outcome.allowed) continue;
        const event = eventOf(action, status, outcome.status);
        if (!isLive(outcome.status)) {
          expect([status, action, left, event]).toEqual([
            status,
            action,
            left,
            outcome.status === EXPIRED ? ShareEventType.EXPIRED : ShareEventType.CANCELLED,
          ]);
        } else if (![A.COPY_LINK, A.RESEND_INVITATION].includes(action)) {
          expect([status, action, event]).not.toEqual([status, action, null]);
        }
      }
    }
  });

  it('every reason a share ends for tells the other side by e-mail', () => {
    expect(Object.keys(END_MAILS).sort()).toEqual(Object.values(ShareEndReason).sort());
    expect(END_MAILS[ShareEndReason.DECLINED].to).toBe('sharer');
    expect(END_MAILS[ShareEndReason.CANCELLED_BY_SHARER].to).toBe('recipient');
    expect(END_MAILS[ShareEndReason.EXPIRED].to).toBe('both');
  });
});

describe('purity', () => {
  /** Every module a file imports, following relative imports. */
  function importsOf(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
      if (!specifier.startsWith('.')) seen.add(specifier);
      else {
        const target = resolve(dirname(file), `${specifier}.ts`);
        if (existsSync(target)) importsOf(target, seen);
      }
    }
    return seen;
  }

  it.each(['share/share-lifecycle', 'share/share-rules', 'device/device-permissions'])(
    '%s imports neither GraphQL nor TypeORM, even indirectly',
    (name) => {
      const imports = [...importsOf(`${__dirname}/../../src/modules/${name}.ts`)];
      expect(imports.filter((module) => /^(graphql|type-graphql|typeorm)/.test(module))).toEqual([]);
    },
  );
});
