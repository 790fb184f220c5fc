// A real SMTP server for tests (smtp-server on a free port): it keeps every mail it accepts,
// parsed, or refuses them all while `refusing` is set. Test-only; never a mock of the mailer.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  readonly url: string;
  readonly mails: ParsedMail[];
  /** While true, every mail is refused (554). */
  refusing: boolean;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink = { mails: [] as ParsedMail[], refusing: false };
  const server = new SMTPServer({
    authOptional: true,
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (sink.refusing) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 554 }));
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          sink.mails.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
