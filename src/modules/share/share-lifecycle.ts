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

/** What a share's event says happened (SPEC §5 ShareEvent.type). */
export enum ShareEventType {
  CREATED = 'CREATED',
  ACCEPTED = 'ACCEPTED',
  DEVICES_ADDED = 'DEVICES_ADDED',
  /** The sharer took devices out, or their owner deleted them, and the share goes on. */
  DEVICES_CANCELLED = 'DEVICES_CANCELLED',
  /** The recipient removed a device from their own view, and the share goes on. */
  DEVICE_REMOVED = 'DEVICE_REMOVED',
  EXTENDED = 'EXTENDED',
  /** The share ended CANCELLED, however (endReason says why); deviceIds are the devices it took out. */
  CANCELLED = 'CANCELLED',
  /** The share ended EXPIRED (endReason says whether it had been accepted). */
  EXPIRED = 'EXPIRED',
  EXPIRING_SOON = 'EXPIRING_SOON',
  DEGRADED = 'DEGRADED',
  RESTORED = 'RESTORED',
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
  /** Its expiry is near: both sides are told ("expiring soon"). */
  WARN_EXPIRY = 'WARN_EXPIRY',
  /** A device of it fell to the BASIC plan and lost its features. */
  DEGRADE = 'DEGRADE',
  /** A degraded device was upgraded again. */
  RESTORE = 'RESTORE',
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
    [ShareAction.WARN_EXPIRY]: PENDING,
    [ShareAction.DEGRADE]: PENDING,
    [ShareAction.RESTORE]: PENDING,
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
    [ShareAction.WARN_EXPIRY]: ACTIVE,
    [ShareAction.DEGRADE]: ACTIVE,
    [ShareAction.RESTORE]: ACTIVE,
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

/** Who is sent an e-mail a step causes: its template (src/modules/share/share-mails.ts) and recipients. */
export interface StepMail {
  template: 'accepted' | 'expiring_soon' | 'expired' | 'cancelled' | 'declined' | 'left';
  to: 'sharer' | 'recipient' | 'both';
}

/** What a step does besides moving the share's status (which TRANSITIONS says). */
export interface StepEffects {
  /**
   * The type of the step's event while the share goes on; the step that ends a share records its
   * final status's type instead (endingEventType). null: the step records no event.
   */
  event: ShareEventType | null;
  /** The audit action (the event log's `action`), spelled here once; null: not audited. */
  audit: string | null;
  /**
   * The final status of the devices the step takes out of the share; null: they follow their
   * share (deviceStatusFor), as for cancelShare, declineShare and expiry.
   */
  devicesEndAs: SharedDeviceStatus | null;
  /** The e-mail of a step that leaves the share live; an ending one sends END_MAILS' instead. */
  mail: StepMail | null;
}

const step = (event: ShareEventType | null, audit: string | null, more: Partial<StepEffects> = {}): StepEffects => ({
  event,
  audit,
  devicesEndAs: null,
  mail: null,
  ...more,
});
const E = ShareEventType;

/**
 * Each action's effects, carried out by one `apply` in the share service (vendure's order
 * process is the model: transitions as data, their effects in one place). Creating a share is no
 * transition (nothing comes before it): its effects are CREATION's.
 */
export const STEP_EFFECTS: Readonly<Record<ShareAction, StepEffects>> = {
  [ShareAction.ACCEPT]: step(E.ACCEPTED, 'share.accepted', { mail: { template: 'accepted', to: 'sharer' } }),
  [ShareAction.ADD_DEVICES]: step(E.DEVICES_ADDED, 'share.devices_added'),
  [ShareAction.EXTEND]: step(E.EXTENDED, 'share.extended'),
  // The fresh invitation e-mail goes out only to an account that holds the address (emailSent).
  [ShareAction.RESEND_INVITATION]: step(null, 'share.invitation_resent'),
  // Handing the same link out again changes nothing.
  [ShareAction.COPY_LINK]: step(null, null),
  [ShareAction.CANCEL]: step(E.CANCELLED, 'share.cancelled'),
  [ShareAction.CANCEL_DEVICES]: step(E.DEVICES_CANCELLED, 'share.devices_cancelled', {
    devicesEndAs: SharedDeviceStatus.CANCELLED,
  }),
  [ShareAction.REMOVE_DEVICE]: step(E.DEVICE_REMOVED, 'share.devices_removed', {
    devicesEndAs: SharedDeviceStatus.REMOVED,
  }),
  [ShareAction.DELETE_DEVICE]: step(E.DEVICES_CANCELLED, 'share.devices_deleted', {
    devicesEndAs: SharedDeviceStatus.DELETED,
  }),
  [ShareAction.EXPIRE]: step(E.EXPIRED, 'share.expired'),
  [ShareAction.EXPIRE_INVITATION]: step(E.EXPIRED, 'share.expired'),
  [ShareAction.DECLINE]: step(E.CANCELLED, 'share.declined'),
  [ShareAction.LEAVE]: step(E.CANCELLED, 'share.left', { devicesEndAs: SharedDeviceStatus.REMOVED }),
  [ShareAction.WARN_EXPIRY]: step(E.EXPIRING_SOON, 'share.expiring_soon', {
    mail: { template: 'expiring_soon', to: 'both' },
  }),
  [ShareAction.DEGRADE]: step(E.DEGRADED, 'share.degraded'),
  [ShareAction.RESTORE]: step(E.RESTORED, 'share.restored'),
};

/** Creating a share: its first event; the invitation e-mail goes out as for RESEND_INVITATION. */
export const CREATION: StepEffects = step(E.CREATED, 'share.created');

/**
 * Who is told when a share ends, by why it ended: the side that did not end it. An expiry both
 * sides; a decline, a leave or the recipient removing the last device the sharer; the sharer's
 * side cancelling, or the owner deleting the last device, the recipient.
 */
export const END_MAILS: Readonly<Record<ShareEndReason, StepMail>> = {
  [R.EXPIRED]: { template: 'expired', to: 'both' },
  [R.INVITATION_EXPIRED]: { template: 'expired', to: 'both' },
  [R.DECLINED]: { template: 'declined', to: 'sharer' },
  [R.LEFT_BY_RECIPIENT]: { template: 'left', to: 'sharer' },
  [R.ALL_DEVICES_REMOVED]: { template: 'left', to: 'sharer' },
  [R.CANCELLED_BY_SHARER]: { template: 'cancelled', to: 'recipient' },
  [R.DEVICE_DELETED]: { template: 'cancelled', to: 'recipient' },
};

/** The event type of a step that moves a share from `previous` to `next`. */
export function eventOf(action: ShareAction, previous: ShareStatus, next: ShareStatus): ShareEventType | null {
  if (isLive(previous) && !isLive(next)) return next === EXPIRED ? E.EXPIRED : E.CANCELLED;
  return STEP_EFFECTS[action].event;
}

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
  return STEP_EFFECTS[action].devicesEndAs ?? deviceStatusFor(next);
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
