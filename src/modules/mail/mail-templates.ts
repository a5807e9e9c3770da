import type { MailTemplate } from './mail-outbox';

export interface RenderedMail {
  subject: string;
  text: string;
}

const line = (label: string, value: unknown) =>
  value === undefined || value === null ? '' : `${label}: ${String(value)}\n`;

/** The words of each e-mail devshare sends. Payloads are what the outbox stored. */
export function renderMail(template: MailTemplate, payload: Record<string, unknown>): RenderedMail {
  switch (template) {
    case 'invitation':
      return {
        subject: 'Devices have been shared with you on devshare',
        text:
          'Devices have been shared with you.\n\n' +
          line('Accept them here', payload.link) +
          line('Or enter the confirmation code', payload.code) +
          line('The invitation is valid until', payload.expiresAt) +
          '\nLog in (or sign up) with this e-mail address to accept.\n',
      };
    case 'accepted':
      return {
        subject: 'Your device share was accepted',
        text: `${String(payload.recipientEmail)} accepted your share of ${String(payload.deviceCount)} device(s).\n`,
      };
    case 'cancelled':
      return { subject: 'A device share with you was cancelled', text: 'The sharer cancelled a share with you.\n' };
    case 'expiring_soon':
      return {
        subject: 'A device share expires soon',
        text: `A device share expires at ${String(payload.expiresAt)}.\n`,
      };
    case 'expired':
      return { subject: 'A device share has expired', text: 'A device share has expired.\n' };
  }
}
