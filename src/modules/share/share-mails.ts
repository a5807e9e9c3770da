import { In, type EntityManager } from 'typeorm';
import { Device } from '../device/device.entity';
import type { MailRenderer, MailRenderers, RenderedMail } from '../mail/mail-outbox';
import type { ShareInvitations } from './share-invitation';
import { readInvitationDetails } from './share-invitation.service';
import { ShareEndReason, ShareStatus } from './share-lifecycle';
import { Share } from './share.entity';

declare module '../../context/change' {
  interface MailPayloads {
    invitation: { shareId: string };
    accepted: { shareId: string; recipientEmail: string; deviceCount: number };
    cancelled: { shareId: string };
    expiring_soon: { shareId: string; expiresAt: string };
    expired: { shareId: string };
    /** To the sharer: the recipient declined the invitation (of these devices). */
    declined: { shareId: string; deviceIds: string[] };
    /** To the sharer: the recipient left the share, or removed its last device (these devices went with it). */
    left: { shareId: string; deviceIds: string[] };
  }
}

type ShareMailTemplate = 'invitation' | 'accepted' | 'cancelled' | 'expiring_soon' | 'expired' | 'declined' | 'left';

const line = (label: string, value: string | null | undefined) => (value ? `${label}: ${value}\n` : '');

/**
 * The e-mails of the share lifecycle. The invitation is rendered from the share as it is when the
 * mail is sent: its link and code are computed there from the share's nonces (the outbox holds
 * only the share id), so a re-sent invitation carries the current code, and an invitation to a
 * share that is no longer PENDING is not sent at all.
 */
export function shareMailRenderers(invitations: ShareInvitations): Pick<MailRenderers, ShareMailTemplate> {
  return {
    invitation: (payload, manager) => renderInvitation(invitations, payload.shareId, manager),
    accepted: async (payload) => ({
      subject: 'Your device share was accepted',
      text: `${payload.recipientEmail} accepted your share of ${payload.deviceCount} device(s).\n`,
    }),
    cancelled: (payload, manager) => renderCancelled(manager, payload.shareId),
    expiring_soon: async (payload) => ({
      subject: 'A device share expires soon',
      text: `A device share expires at ${payload.expiresAt}.\n`,
    }),
    expired: fixed('A device share has expired', 'A device share has expired.\n'),
    declined: (payload, manager) =>
      renderToSharer(
        manager,
        payload,
        'Your device share was declined',
        (recipient, count) => `${recipient} declined your invitation to ${count} device(s):\n`,
      ),
    left: (payload, manager) =>
      renderToSharer(manager, payload, 'A recipient left your device share', (recipient, count, share) =>
        share.endReason === ShareEndReason.ALL_DEVICES_REMOVED
          ? `${recipient} removed the last device of your share from their view, which ended the share:\n`
          : `${recipient} left your share of ${count} device(s):\n`,
      ),
  };
}

/**
 * To the sharer, about a share the recipient ended (declined, left, or emptied): who, and the
 * devices that went with it, named as they are when the mail is sent. The outbox holds only ids.
 */
async function renderToSharer(
  manager: EntityManager,
  payload: { shareId: string; deviceIds: string[] },
  subject: string,
  opening: (recipient: string, deviceCount: number, share: Share) => string,
): Promise<RenderedMail | null> {
  const share = await manager.findOneBy(Share, { id: payload.shareId });
  if (!share) return null;
  const devices = await deviceNames(manager, payload.deviceIds);
  return {
    subject,
    text:
      opening(share.recipientEmail, devices.length, share) +
      devices.map((name) => `  - ${name}\n`).join('') +
      '\n' +
      line('Note of the share', share.description && oneLine(share.description)) +
      line('Share id', share.id) +
      'None of these devices is shared with them any more. Share again to send a new invitation.\n',
  };
}

/** To the recipient: a share with them ended, and why (the sharer's side cancelled it, or its owner deleted its last device). */
async function renderCancelled(manager: EntityManager, shareId: string): Promise<RenderedMail> {
  const share = await manager.findOneBy(Share, { id: shareId });
  const why =
    share?.endReason === ShareEndReason.DEVICE_DELETED
      ? 'Its owner deleted the last device of a share with you, which ended the share.\n'
      : 'The sharer cancelled a share with you.\n';
  return { subject: 'A device share with you was cancelled', text: why };
}

/** The devices' names, in order (a device deleted since is named so). */
async function deviceNames(manager: EntityManager, deviceIds: string[]): Promise<string[]> {
  const devices = deviceIds.length
    ? await manager.find(Device, { where: { id: In(deviceIds) }, select: { id: true, name: true } })
    : [];
  const names = devices.map((device) => oneLine(device.name)).sort();
  return [...names, ...Array<string>(deviceIds.length - devices.length).fill('(a deleted device)')];
}

const fixed =
  (subject: string, text: string): MailRenderer<unknown> =>
  async () => ({ subject, text });

/** A name typed by a user, on one line: a line break in it cannot forge a line of the e-mail. */
const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim();

/**
 * The devices grouped by model (models in order, names in order within each), so that each
 * device's model is named while the names stay a plain list.
 */
function devicesByModel(devices: { name: string; model: string }[]): string {
  const groups = new Map<string, string[]>();
  for (const device of devices) {
    const model = oneLine(device.model);
    groups.set(model, [...(groups.get(model) ?? []), oneLine(device.name)]);
  }
  return [...groups.keys()]
    .sort()
    .map((model) => {
      const names = groups.get(model)!;
      return `Model ${model}, ${names.length} device(s):\n` + names.map((name) => `  - ${name}\n`).join('');
    })
    .join('');
}

/**
 * SPEC §2, APC step 6 ("the email includes the confirmation code and device details"): the sharer
 * and their enterprise, the devices (names, models and how many), the permissions, the expiry (or
 * that there is none), the description, the deadline, the link, and the code beside the share id.
 * It says what the invitation preview (`shareInvitation`) says, read by the same function.
 */
async function renderInvitation(invitations: ShareInvitations, shareId: string, manager: EntityManager) {
  const share = await manager.findOneBy(Share, { id: shareId });
  if (!share || share.status !== ShareStatus.PENDING) return null;
  const details = await readInvitationDetails(manager, share);
  if (!details) return null;
  const { devices } = details;
  const from = `${oneLine(details.sharerName)} (${oneLine(details.enterpriseName)})`;
  return {
    subject: 'Devices have been shared with you on devshare',
    text:
      `${from} has shared ${devices.length} device(s) with you on devshare.\n\n` +
      devicesByModel(devices) +
      '\n' +
      line('Permissions', share.permissions.join(', ')) +
      line('Shared until', share.expiresAt?.toISOString() ?? 'no end date (the share does not expire)') +
      line('Note from the sharer', share.description && oneLine(share.description)) +
      '\n' +
      line('Accept them here', invitations.link(share)) +
      line('Or enter the confirmation code', `${invitations.code(share)} with the share id ${share.id}`) +
      line('The invitation is valid until', share.invitationExpiresAt.toISOString()) +
      '\nLog in (or sign up) with this e-mail address to accept.\n',
  };
}
