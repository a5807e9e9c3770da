import type { EntityManager } from 'typeorm';
import { newId } from '../../common/ids';
import type { Change, MailOptions, MailPayloads, MailTemplate } from '../../context/change';
import { insertNew } from '../../database/database';
import { OutboxMessage } from './outbox-message.entity';

/*
 * The outbox: every e-mail a change queues (`change.mail`, see MailPayloads in
 * context/change.ts) is a row here, written in that change, and sent by the mail sender after it.
 *
 * A payload holds only references (ids) and facts that are not secret: it is kept in the database
 * after sending. Anything secret (a link token, a confirmation code, a verification token) is
 * computed by the template's {@link MailRenderer} when the message is sent, from what the
 * database holds at that moment, and is never written to the outbox.
 *
 * A module adds a kind of e-mail of its own by augmenting MailPayloads next to its renderer (as
 * share/share-mails.ts does) and by passing the renderer to `createMailSender` in
 * `src/composition.ts` (the compiler then insists on it).
 */

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

/** Writes an e-mail into the outbox in the change that queues it (what `change.mail` does: composition.ts). */
export function enqueueMail<Template extends MailTemplate>(
  change: Change,
  to: string,
  template: Template,
  payload: MailPayloads[Template],
  { notBefore = change.now }: MailOptions = {},
): Promise<OutboxMessage> {
  return insertNew(change.manager, OutboxMessage, {
    id: newId(),
    to,
    template,
    payload,
    createdAt: change.now,
    sentAt: null,
    attempts: 0,
    nextAttemptAt: notBefore,
    lastError: null,
  });
}
