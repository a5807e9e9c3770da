import type { EntityManager } from 'typeorm';
import { newId } from '../../common/ids';
import { insertNew } from '../../database/database';
import { OutboxMessage } from './outbox-message.entity';

export type MailTemplate = 'invitation' | 'accepted' | 'cancelled' | 'expiring_soon' | 'expired';

/** Queues e-mails in the transaction of the change that causes them. */
export function enqueueMail(
  manager: EntityManager,
  now: Date,
  to: string,
  template: MailTemplate,
  payload: Record<string, unknown>,
): Promise<OutboxMessage> {
  return insertNew(manager, OutboxMessage, {
    id: newId(),
    to,
    template,
    payload,
    createdAt: now,
    sentAt: null,
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
  });
}
