/*
 * The share lifecycle (SPEC §2) as plain data and functions: no GraphQL, no database. The
 * service asks `transition` what an action does to a share and obeys the answer.
 */
import { ErrorCode } from '../../common/error-codes';

export enum ShareStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}

export enum SharedDeviceStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  /** The sharer took it out of the share. */
  CANCELLED = 'CANCELLED',
  /** The recipient removed it from their own view. */
  REMOVED = 'REMOVED',
  EXPIRED = 'EXPIRED',
  /** Its owner deleted the device. */
  DELETED = 'DELETED',
}

/** Everything that can happen to a share. */
export enum ShareAction {
  ACCEPT = 'ACCEPT',
  ADD_DEVICES = 'ADD_DEVICES',
  EXTEND = 'EXTEND',
  RESEND_INVITATION = 'RESEND_INVITATION',
  COPY_LINK = 'COPY_LINK',
  CANCEL = 'CANCEL',
  CANCEL_DEVICES = 'CANCEL_DEVICES',
  REMOVE_DEVICE = 'REMOVE_DEVICE',
  DELETE_DEVICE = 'DELETE_DEVICE',
  /** expiresAt has passed. */
  EXPIRE = 'EXPIRE',
  /** The invitation deadline of a share nobody accepted has passed. */
  EXPIRE_INVITATION = 'EXPIRE_INVITATION',
}

const { PENDING, ACTIVE, CANCELLED, EXPIRED } = ShareStatus;

/** What each action makes of each status; an action missing from a row is refused. */
export const TRANSITIONS: Readonly<Record<ShareStatus, Partial<Record<ShareAction, ShareStatus>>>> = {
  [PENDING]: {
    [ShareAction.ACCEPT]: ACTIVE,
    [ShareAction.ADD_DEVICES]: PENDING,
    [ShareAction.EXTEND]: PENDING,
    [ShareAction.RESEND_INVITATION]: PENDING,
    [ShareAction.COPY_LINK]: PENDING,
    [ShareAction.CANCEL]: CANCELLED,
    [ShareAction.CANCEL_DEVICES]: PENDING,
    [ShareAction.DELETE_DEVICE]: PENDING,
    [ShareAction.EXPIRE]: EXPIRED,
    [ShareAction.EXPIRE_INVITATION]: EXPIRED,
  },
  [ACTIVE]: {
    [ShareAction.ADD_DEVICES]: ACTIVE,
    [ShareAction.EXTEND]: ACTIVE,
    [ShareAction.CANCEL]: CANCELLED,
    [ShareAction.CANCEL_DEVICES]: ACTIVE,
    [ShareAction.REMOVE_DEVICE]: ACTIVE,
    [ShareAction.DELETE_DEVICE]: ACTIVE,
    [ShareAction.EXPIRE]: EXPIRED,
  },
  [CANCELLED]: {},
  [EXPIRED]: {},
};

/** Actions that take devices out of a share: the share ends (CANCELLED) when none is left. */
const DEVICE_REMOVALS = new Set([ShareAction.CANCEL_DEVICES, ShareAction.REMOVE_DEVICE, ShareAction.DELETE_DEVICE]);

/** Actions that only make sense before the recipient accepted. */
const INVITATION_ACTIONS = new Set([
  ShareAction.ACCEPT,
  ShareAction.RESEND_INVITATION,
  ShareAction.COPY_LINK,
  ShareAction.EXPIRE_INVITATION,
]);

export type Transition = { allowed: true; status: ShareStatus } | { allowed: false; code: ErrorCode; message: string };

/**
 * What `action` does to a share in `status`. For actions that take devices out,
 * `liveDevicesLeft` is how many pending/active devices remain afterwards.
 */
export function transition(status: ShareStatus, action: ShareAction, liveDevicesLeft?: number): Transition {
  const next = TRANSITIONS[status][action];
  if (next === undefined) return refusal(status, action);
  if (DEVICE_REMOVALS.has(action) && liveDevicesLeft === 0) return { allowed: true, status: CANCELLED };
  return { allowed: true, status: next };
}

function refusal(status: ShareStatus, action: ShareAction): Transition {
  if (action === ShareAction.ACCEPT && status === EXPIRED) {
    return { allowed: false, code: ErrorCode.INVITATION_EXPIRED, message: 'This invitation has expired' };
  }
  if (INVITATION_ACTIONS.has(action)) {
    return {
      allowed: false,
      code: ErrorCode.SHARE_NOT_PENDING,
      message: `The share is ${status.toLowerCase()}, not pending`,
    };
  }
  return { allowed: false, code: ErrorCode.SHARE_NOT_ACTIVE, message: `The share is ${status.toLowerCase()}` };
}

/** The status a share's devices take when the share itself moves to `status`. */
export function deviceStatusFor(status: ShareStatus): SharedDeviceStatus {
  return {
    [PENDING]: SharedDeviceStatus.PENDING,
    [ACTIVE]: SharedDeviceStatus.ACTIVE,
    [CANCELLED]: SharedDeviceStatus.CANCELLED,
    [EXPIRED]: SharedDeviceStatus.EXPIRED,
  }[status];
}

export const isLive = (status: ShareStatus | SharedDeviceStatus): boolean =>
  status === ShareStatus.PENDING || status === ShareStatus.ACTIVE;
