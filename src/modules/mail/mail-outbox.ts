import type { EntityManager } from 'typeorm';
import { newId } from '../../common/ids';
import type { Change } from '../../context/change';
import { insertNew } from '../../database/database';
import { OutboxMessage } from './outbox-message.entity';

/**
 * What the outbox stores for each kind of e-mail, by template name.
 *
 * A payload holds only references (ids) and facts that are not secret: it is kept in the database
 * after sending. Anything secret (a link token, a confirmation code, a verification token) is
 * computed by the template's {@link MailRenderer} when the message is sent, from what the
 * database holds at that moment, and is never written to the outbox.
 *
 * A module adds a kind of e-mail of its own by augmenting this interface next to its code, e.g.
 * ```ts
 * declare module '../mail/mail-outbox' {
 *   interface MailPayloads {
 *     verify_email: { accountId: string };
 *   }
 * }
 * ```
 * and by passing its renderer to `createMailSender` in `src/composition.ts` (the compiler then insists on it).
 */
export interface MailPayloads {
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

/** The name of a kind of e-mail (stored in `outbox_message.template`). */
export type MailTemplate = keyof MailPayloads;

export interface RenderedMail {
  subject: string;
  text: string;
}

/**
 * Renders one outbox message when the mail sender is about to send it, reading what it needs
 * through `manager` (a transaction of its own, so that it sees one consistent state).
 *
 * - Answers the e-mail, secrets included: they go to the transport and nowhere else.
 * - Answers `null` when the message has become obsolete (e.g. the share it invites to is no longer
 *   PENDING): the sender then marks it done without sending anything.
 * - Throws when it cannot render right now: the attempt counts as failed and is retried later.
 *
 * A renderer is called again for every attempt, so it must not write.
 */
export type MailRenderer<Payload> = (payload: Payload, manager: EntityManager) => Promise<RenderedMail | null>;

/** One renderer per template: what `createMailSender` needs to send every kind of e-mail. */
export type MailRenderers = { [Template in MailTemplate]: MailRenderer<MailPayloads[Template]> };

/** Queues an e-mail in the change that causes it; the mail sender wakes once the change has committed. */
export function enqueueMail<Template extends MailTemplate>(
  change: Change,
  to: string,
  template: Template,
  payload: MailPayloads[Template],
): Promise<OutboxMessage> {
  change.wrote('mail');
  return insertNew(change.manager, OutboxMessage, {
    id: newId(),
    to,
    template,
    payload,
    createdAt: change.now,
    sentAt: null,
    attempts: 0,
    nextAttemptAt: change.now,
    lastError: null,
  });
}
