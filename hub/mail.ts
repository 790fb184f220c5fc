// Outgoing e-mail (transcripts sent to the medical record): one nodemailer SMTP transport,
// configured once at start-up from the hub's `smtp` option. The hub has no mailer without it.
import { createTransport } from 'nodemailer';

export interface SmtpOptions {
  /** smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://…:465. */
  url: string;
  /** The From address of every mail the hub sends. */
  from: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: Array<{ filename: string; contentType: string; content: string }>;
}

/** The SMTP server did not accept the mail: `code` and `responseCode` only, never the server's text (it may quote the address). */
export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    readonly code: string | undefined,
    readonly responseCode: number | undefined,
  ) {
    super(`the SMTP server did not accept the mail${responseCode ? ` (${responseCode})` : code ? ` (${code})` : ''}`);
  }
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the mail for its recipient; rejects with a MailError otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function smtpMailer(options: SmtpOptions): Mailer {
  // Short timeouts: a clinician is waiting on the answer, and nodemailer's defaults are minutes.
  const transport = createTransport({ url: options.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(mail) {
      let info;
      try {
        info = await transport.sendMail({ from: options.from, ...mail });
      } catch (error) {
        const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
        throw new MailError(typeof code === 'string' ? code : undefined, typeof responseCode === 'number' ? responseCode : undefined);
      }
      if (info.rejected.length > 0 || info.accepted.length === 0) throw new MailError('ERECIPIENT', undefined);
    },
    close: () => transport.close(),
  };
}
