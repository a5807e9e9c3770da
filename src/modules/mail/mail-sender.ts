import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { IsNull, LessThanOrEqual } from 'typeorm';
import type { Clock } from '../../common/clock';
import { WakeLoop } from '../../common/wake-loop';
import type { Database } from '../../database/database';
import type { MailTemplate } from '../../context/change';
import type { MailRenderer, MailRenderers, RenderedMail } from './mail-outbox';
import { OutboxMessage } from './outbox-message.entity';

const BATCH = 50;
/** How long a claimed message is reserved for its sender before another may try it. */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;

/** An e-mail ready to go, secrets included: it must not be stored or logged whole. */
export interface OutgoingMail extends RenderedMail {
  to: string;
  template: string;
}

/** Where e-mails go: an SMTP server, or nowhere but a log line when SMTP_URL is not set. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
}

export function createMailTransport(smtpUrl: string | undefined, from: string, log: Logger): MailTransport {
  if (!smtpUrl) {
    return {
      // Only the envelope: a body may hold a link token or a confirmation code, which must never reach a log.
      send: async ({ to, subject, template }) => {
        log.info({ to, subject, template }, 'e-mail not sent: SMTP_URL is not set');
      },
    };
  }
  // Short timeouts: an unreachable server fails the attempt (to be retried), rather than holding the sender.
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
  return {
    send: async ({ to, subject, text }) => {
      await transporter.sendMail({ from, to, subject, text });
    },
  };
}

/** 2 s, 4 s, 8 s … up to an hour between attempts. */
export const backoffMs = (attempts: number): number => Math.min(1000 * 2 ** attempts, MAX_BACKOFF_MS);

/**
 * Delivers the outbox: every message at least once, marked sent once the server took it, retried
 * with growing pauses when it did not. A message is claimed with a conditional update before it
 * is sent, so two senders (two instances) do not both take it within a lease. Each attempt renders
 * the message afresh with its template's renderer (see `MailRenderer`); a message its renderer
 * finds obsolete is marked done (`sentAt`) without being sent.
 */
export function createMailSender(
  db: Database,
  transport: MailTransport,
  clock: Clock,
  log: Logger,
  renderers: MailRenderers,
): WakeLoop {
  function render(message: OutboxMessage): Promise<RenderedMail | null> {
    // A template this server does not know (e.g. written by a newer version) waits for one that does.
    if (!Object.hasOwn(renderers, message.template))
      throw new Error(`No renderer for e-mail template ${message.template}`);
    const renderer = renderers[message.template as MailTemplate] as MailRenderer<unknown>;
    return db.transaction((manager) => renderer(message.payload, manager));
  }

  async function deliverDue(): Promise<Date | null> {
    const now = clock.now();
    const due = await db.manager.find(OutboxMessage, {
      where: { sentAt: IsNull(), nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC' },
      take: BATCH,
    });
    for (const message of due) await deliver(message, now);
    const next = await db.manager.findOne(OutboxMessage, {
      where: { sentAt: IsNull() },
      order: { nextAttemptAt: 'ASC' },
    });
    return next?.nextAttemptAt ?? null;
  }

  async function deliver(message: OutboxMessage, now: Date): Promise<void> {
    const claimed = await db.transaction((manager) =>
      manager.update(
        OutboxMessage,
        { id: message.id, sentAt: IsNull(), nextAttemptAt: message.nextAttemptAt },
        { nextAttemptAt: new Date(now.getTime() + LEASE_MS) },
      ),
    );
    if (!claimed.affected) return;
    const attempts = message.attempts + 1;
    try {
      const mail = await render(message);
      if (mail) await transport.send({ to: message.to, template: message.template, ...mail });
      else log.debug({ messageId: message.id, template: message.template }, 'e-mail obsolete; not sent');
      await db.transaction((manager) =>
        manager.update(OutboxMessage, message.id, { attempts, sentAt: clock.now(), lastError: null }),
      );
    } catch (error) {
      const retryAt = new Date(clock.now().getTime() + backoffMs(attempts));
      log.warn({ err: error, messageId: message.id, attempts, retryAt }, 'e-mail not delivered; will retry');
      await db.transaction((manager) =>
        manager.update(OutboxMessage, message.id, {
          attempts,
          nextAttemptAt: retryAt,
          lastError: String((error as Error)?.message ?? error).slice(0, 500),
        }),
      );
    }
  }

  return new WakeLoop('mail sender', deliverDue, clock, log);
}
