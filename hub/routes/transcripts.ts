// Transcripts for the medical record (docs/records.md). GET /v1/inbox/:id/transcript exports a
// conversation as text, a printable HTML page or a FHIR R4 Bundle; POST /v1/inbox/:id/close-and-email
// mails it and, once the SMTP server has accepted it, closes the conversation. Both need
// `transcripts.export`; both are audited with ids and flags only, never bodies or addresses.
import { Hono, type Context } from 'hono';
import { CloseAndEmailBody, TranscriptQuery, type TranscriptFormat } from '../../protocol/inbox.js';
import { transcriptFhir, transcriptHtml, transcriptText, type Transcript, type TranscriptOptions } from '../../protocol/transcript.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import { closeAs } from '../domain/closing.js';
import { loadTranscript } from '../domain/transcripts.js';
import type { UserEnv } from '../http/auth.js';
import { conversationOf, staffWith } from '../http/staff.js';
import { httpError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { MailError } from '../mail.js';
import type { InboxLive } from '../realtime/inbox-live.js';

const EXTENSION: Record<TranscriptFormat, string> = { text: 'txt', html: 'html', fhir: 'json' };

/** The one style sheet is inline; nothing else may load or run in the printable page. */
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Mounted at /v1/inbox, before the inbox's own routes. */
export function transcriptsApp(ctx: HubContext, live: InboxLive) {
  /** Links to the hub's own attachment route (the reader needs a token there too). */
  const optionsFor = (c: Context<UserEnv>, opts: TranscriptOptions): TranscriptOptions => ({
    ...opts,
    attachmentUrl: (a) => new URL(`/v1/attachments/${encodeURIComponent(a.id)}`, c.req.url).toString(),
  });

  return new Hono<UserEnv>()
    .get('/:id/transcript', async (c) => {
      const identity = staffWith(c, 'transcripts.export');
      const query = parseQuery(c, TranscriptQuery);
      const conversation = await conversationOf(ctx.db, c, identity);
      const internal = query.internal ?? false;
      const transcript = await loadTranscript(ctx.db, identity, conversation, { internal });
      const opts = optionsFor(c, { internal, ...(query.tz && { timeZone: query.tz }) });
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'transcript.export', subject: { type: 'conversation', id: conversation.id }, detail: { format: query.format, internal } });
      const filename = `transcript-${conversation.id}.${EXTENSION[query.format]}`;
      if (query.format === 'html') {
        return c.body(transcriptHtml(transcript, opts), 200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Disposition': `inline; filename="${filename}"`,
          'Content-Security-Policy': HTML_CSP,
          'X-Content-Type-Options': 'nosniff',
        });
      }
      const [body, type] = query.format === 'fhir' ? [JSON.stringify(transcriptFhir(transcript, opts), null, 2), 'application/fhir+json'] : [transcriptText(transcript, opts), 'text/plain; charset=utf-8'];
      return c.body(body, 200, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${filename}"`, 'X-Content-Type-Options': 'nosniff' });
    })
    .post('/:id/close-and-email', async (c) => {
      const identity = staffWith(c, 'chats.write', 'transcripts.export');
      const conversation = await conversationOf(ctx.db, c, identity);
      const { to, internal } = await parseBody(c, CloseAndEmailBody);
      if (!ctx.mailer) throw httpError(503, 'not-configured', 'this hub has no SMTP server to send e-mail through');
      // The mail shows the conversation as it will be once closed, at the time it is closed.
      const now = Date.now();
      const transcript: Transcript = { ...(await loadTranscript(ctx.db, identity, conversation, { internal })), conversation: { id: conversation.id, status: 'closed', openedAt: Number(conversation.created_at), closedAt: now } };
      const opts = optionsFor(c, { internal, generatedAt: now });
      try {
        await ctx.mailer.send({
          to,
          // No patient name in the subject: subjects show in notifications and mail logs.
          subject: `Chat transcript — ${transcript.clinic.name} — ${conversation.id}`,
          text: transcriptText(transcript, opts),
          html: transcriptHtml(transcript, opts),
          attachments: [{ filename: `transcript-${conversation.id}.json`, contentType: 'application/fhir+json', content: JSON.stringify(transcriptFhir(transcript, opts), null, 2) }],
        });
      } catch (error) {
        if (!(error instanceof MailError)) throw error;
        // The transcript may have reached the SMTP server before it refused: that is recorded too.
        await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'transcript.email-failed', subject: { type: 'conversation', id: conversation.id }, detail: { internal } });
        ctx.log.warn({ conversation: conversation.id, code: error.code, responseCode: error.responseCode }, 'transcript e-mail not accepted');
        throw httpError(502, 'upstream', `${error.message}; the conversation stays open`);
      }
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'transcript.email', subject: { type: 'conversation', id: conversation.id }, detail: { internal } }, now);
      await closeAs(ctx.db, live, identity, conversation, now);
      return c.json({ status: 'closed', emailed: true });
    });
}
