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
  /** The recipient turns the invitation down. */
  DECLINE = 'DECLINE',
  /** The recipient gives up an accepted share, every device at once. */
  LEAVE = 'LEAVE',
}

/** Why a share ended (SPEC §2: every ended share says why). */
export enum ShareEndReason {
  /** The sharer (or an ADMIN of the sharer's enterprise) cancelled it, or took out its last device. */
  CANCELLED_BY_SHARER = 'CANCELLED_BY_SHARER',
  /** The recipient declined the invitation. */
  DECLINED = 'DECLINED',
  /** The recipient left the accepted share. */
  LEFT_BY_RECIPIENT = 'LEFT_BY_RECIPIENT',
  /** The recipient removed its last device from their view. */
  ALL_DEVICES_REMOVED = 'ALL_DEVICES_REMOVED',
  /** The owner deleted its last device. */
  DEVICE_DELETED = 'DEVICE_DELETED',
  /** An accepted share reached expiresAt. */
  EXPIRED = 'EXPIRED',
  /** Nobody accepted it in time (its invitation deadline, or its expiry, passed while PENDING). */
  INVITATION_EXPIRED = 'INVITATION_EXPIRED',
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
    [ShareAction.DECLINE]: CANCELLED,
  },
  [ACTIVE]: {
    [ShareAction.ADD_DEVICES]: ACTIVE,
    [ShareAction.EXTEND]: ACTIVE,
    [ShareAction.CANCEL]: CANCELLED,
    [ShareAction.CANCEL_DEVICES]: ACTIVE,
    [ShareAction.REMOVE_DEVICE]: ACTIVE,
    [ShareAction.DELETE_DEVICE]: ACTIVE,
    [ShareAction.EXPIRE]: EXPIRED,
    [ShareAction.LEAVE]: CANCELLED,
  },
  [CANCELLED]: {},
  [EXPIRED]: {},
};

const R = ShareEndReason;

/**
 * Why the share ends when an action of TRANSITIONS ends it, by the status it ends from. A device
 * removal ends a share only with its last live device. A PENDING share that reaches its expiry
 * was never accepted: its invitation deadline (never past the expiry) has lapsed too.
 */
export const END_REASONS: Readonly<Record<ShareStatus, Partial<Record<ShareAction, ShareEndReason>>>> = {
  [PENDING]: {
    [ShareAction.CANCEL]: R.CANCELLED_BY_SHARER,
    [ShareAction.CANCEL_DEVICES]: R.CANCELLED_BY_SHARER,
    [ShareAction.DELETE_DEVICE]: R.DEVICE_DELETED,
    [ShareAction.EXPIRE]: R.INVITATION_EXPIRED,
    [ShareAction.EXPIRE_INVITATION]: R.INVITATION_EXPIRED,
    [ShareAction.DECLINE]: R.DECLINED,
  },
  [ACTIVE]: {
    [ShareAction.CANCEL]: R.CANCELLED_BY_SHARER,
    [ShareAction.CANCEL_DEVICES]: R.CANCELLED_BY_SHARER,
    [ShareAction.REMOVE_DEVICE]: R.ALL_DEVICES_REMOVED,
    [ShareAction.DELETE_DEVICE]: R.DEVICE_DELETED,
    [ShareAction.EXPIRE]: R.EXPIRED,
    [ShareAction.LEAVE]: R.LEFT_BY_RECIPIENT,
  },
  [CANCELLED]: {},
  [EXPIRED]: {},
};

/**
 * The final status of the devices an action takes out of a share. Devices an action does not
 * name here follow their share (deviceStatusFor): cancelShare and declineShare leave them
 * CANCELLED, expiry EXPIRED.
 */
export const DEVICES_END_AS: Readonly<Partial<Record<ShareAction, SharedDeviceStatus>>> = {
  [ShareAction.CANCEL_DEVICES]: SharedDeviceStatus.CANCELLED,
  [ShareAction.REMOVE_DEVICE]: SharedDeviceStatus.REMOVED,
  [ShareAction.DELETE_DEVICE]: SharedDeviceStatus.DELETED,
  [ShareAction.LEAVE]: SharedDeviceStatus.REMOVED,
};

/** Actions that take devices out of a share: the share ends (CANCELLED) when none is left. */
const DEVICE_REMOVALS = new Set([ShareAction.CANCEL_DEVICES, ShareAction.REMOVE_DEVICE, ShareAction.DELETE_DEVICE]);

/** Actions that only make sense before the recipient accepted. */
const INVITATION_ACTIONS = new Set([
  ShareAction.ACCEPT,
  ShareAction.RESEND_INVITATION,
  ShareAction.COPY_LINK,
  ShareAction.EXPIRE_INVITATION,
  ShareAction.DECLINE,
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

/**
 * Why a share in `status` ends when `action` ends it; null when the action cannot end a share
 * from there. Ask only once `transition` has said that the share ends (a final status).
 */
export function endReason(status: ShareStatus, action: ShareAction): ShareEndReason | null {
  return END_REASONS[status][action] ?? null;
}

/** The final status of the live devices that `action` takes out of a share that moves to `next`. */
export function endedDeviceStatus(action: ShareAction, next: ShareStatus): SharedDeviceStatus {
  return DEVICES_END_AS[action] ?? deviceStatusFor(next);
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

/** The statuses of a share that has not ended. */
export const LIVE_SHARE_STATUSES: readonly ShareStatus[] = [ShareStatus.PENDING, ShareStatus.ACTIVE];
