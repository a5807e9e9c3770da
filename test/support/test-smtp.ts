import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on a free port; it can refuse the next `refuse` messages with a 451. */
export async function startSmtp() {
  const received: Received[] = [];
  const state = { refuse: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (state.refuse > 0) {
            state.refuse--;
            return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          }
          const to = Array.isArray(mail.to) ? mail.to[0].text : (mail.to?.text ?? '');
          received.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    state,
    /** The token of the newest e-mail verification mail to `to`, waiting (up to 10 s) for one to arrive. */
    async verificationToken(to: string): Promise<string> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const token = received
          .filter((mail) => mail.to === to)
          .map((mail) => /verifyEmail\(token: "([^"]+)"\)/.exec(mail.text)?.[1])
          .findLast(Boolean);
        if (token) return token;
        if (Date.now() > deadline) throw new Error(`no verification mail to ${to} within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
