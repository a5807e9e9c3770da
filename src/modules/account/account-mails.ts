import type { MailRenderers } from '../mail/mail-outbox';
import { Account } from './account.entity';
import type { EmailVerifications } from './email-verification';

declare module '../../context/change' {
  interface MailPayloads {
    /** Sent at sign-up and on request: the link that proves the account's e-mail. */
    verify_email: { accountId: string };
  }
}

/**
 * The verification e-mail, rendered when it is sent: the token is computed there from the
 * account's current nonce (the outbox holds only the account id), and a mail to an account that
 * has been verified meanwhile is not sent at all.
 */
export function accountMailRenderers(verifications: EmailVerifications): Pick<MailRenderers, 'verify_email'> {
  return {
    verify_email: async ({ accountId }, manager) => {
      const account = await manager.findOneBy(Account, { id: accountId });
      if (!account || account.emailVerifiedAt) return null;
      const token = verifications.token(account);
      if (!token) return null;
      return {
        subject: 'Confirm your e-mail address for devshare',
        text:
          `Hello ${account.name},\n\n` +
          'Confirm that this is your e-mail address: open this link while logged in to devshare,\n' +
          `${verifications.link(token)}\n\n` +
          `or send the mutation verifyEmail(token: "${token}").\n\n` +
          'Until then, devices shared with this address stay hidden from your account.\n' +
          'If you did not sign up for devshare, ignore this e-mail.\n',
      };
    },
  };
}
