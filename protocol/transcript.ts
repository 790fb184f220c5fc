// A conversation's transcript for the medical record, as plain text, a printable HTML page or a
// FHIR R4 Bundle (transcript-fhir.ts). Pure functions of a plain value, shared by the hub (REST
// export, e-mail) and the widget (saving an ephemeral visit in the browser): no DOM, no Node APIs.

export interface TranscriptAttachment {
  id: string;
  name: string;
  mime: string;
  /** Bytes. */
  size: number;
}

export interface TranscriptAuthor {
  kind: 'patient' | 'staff' | 'system';
  /** The person's external id (the one the vendor's backend signs); for system messages any id. */
  id: string;
  name: string;
}

export interface TranscriptMessage {
  id: string;
  seq: number;
  author: TranscriptAuthor;
  body: string;
  /** Epoch milliseconds. */
  sentAt: number;
  attachments: TranscriptAttachment[];
}

/** A staff-only note; in an export only when `internal` is asked for. */
export interface TranscriptNote {
  id: string;
  author: { id: string; name: string };
  text: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface Transcript {
  /** The organisation (clinic) the conversation belongs to. */
  clinic: { id?: string; name: string };
  /** The patient by their external id. */
  patient: { id: string; name: string };
  conversation: {
    id: string;
    status: 'open' | 'closed';
    /** Epoch milliseconds. */
    openedAt: number;
    closedAt: number | null;
  };
  /** In seq order. */
  messages: TranscriptMessage[];
  notes?: TranscriptNote[];
}

export interface TranscriptOptions {
  /** Include the internal notes (staff only). Default false. */
  internal?: boolean;
  /** An IANA time zone for the times shown (text and HTML); default ISO 8601 in UTC. FHIR is always UTC. */
  timeZone?: string;
  /** When the export was made, epoch ms; default now. */
  generatedAt?: number;
  /** Where an attachment can be fetched (FHIR `contentAttachment.url`); default none. */
  attachmentUrl?: (attachment: TranscriptAttachment) => string;
  /** Base of the identifier systems in FHIR; default `urn:clinic-chat`. */
  identifierSystem?: string;
}

/** One line of the timeline: a message, or a note when asked for. */
export type TranscriptEntry = { kind: 'message'; at: number; message: TranscriptMessage } | { kind: 'note'; at: number; note: TranscriptNote };

/** Messages (in seq order) and, with `internal`, the notes, merged by time; a note sorts after a message of the same millisecond. */
export function transcriptEntries(t: Transcript, opts: TranscriptOptions = {}): TranscriptEntry[] {
  const messages: TranscriptEntry[] = t.messages.map((message) => ({ kind: 'message', at: message.sentAt, message }));
  if (!opts.internal || !t.notes?.length) return messages;
  const notes: TranscriptEntry[] = [...t.notes].sort((a, b) => a.at - b.at).map((note) => ({ kind: 'note', at: note.at, note }));
  const merged: TranscriptEntry[] = [];
  let n = 0;
  for (const entry of messages) {
    while (n < notes.length && notes[n]!.at < entry.at) merged.push(notes[n++]!);
    merged.push(entry);
  }
  return merged.concat(notes.slice(n));
}

/** Whether `zone` names a time zone this runtime knows (Intl). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** ISO 8601 in UTC, or `YYYY-MM-DD HH:MM:SS` in the given zone. */
export function formatTime(ms: number, timeZone?: string): string {
  if (!timeZone) return new Date(ms).toISOString();
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const ROLE: Record<TranscriptAuthor['kind'], string> = { patient: 'patient', staff: 'care team', system: 'system' };

function zoneLabel(opts: TranscriptOptions): string {
  return opts.timeZone ? `Times in ${opts.timeZone}` : 'Times in UTC (ISO 8601)';
}

function attachmentLine(a: TranscriptAttachment): string {
  return `${a.name} (${a.mime}, ${formatSize(a.size)})`;
}

/** The transcript as plain text: a heading, then each message (and note) with its time and author. */
export function transcriptText(t: Transcript, opts: TranscriptOptions = {}): string {
  const time = (ms: number) => formatTime(ms, opts.timeZone);
  const lines = [
    `Chat transcript — ${t.clinic.name}`,
    `Patient: ${t.patient.name} (${t.patient.id})`,
    `Conversation: ${t.conversation.id} (${t.conversation.status})`,
    `Opened: ${time(t.conversation.openedAt)}`,
    ...(t.conversation.closedAt != null ? [`Closed: ${time(t.conversation.closedAt)}`] : []),
    `Exported: ${time(opts.generatedAt ?? Date.now())}`,
    zoneLabel(opts),
    ...(opts.internal ? ['Includes internal notes of the care team (not seen by the patient).'] : []),
    '',
  ];
  const indent = (text: string) => text.split(/\r\n|\r|\n/).map((line) => `    ${line}`);
  for (const entry of transcriptEntries(t, opts)) {
    if (entry.kind === 'message') {
      const m = entry.message;
      lines.push(`[${time(m.sentAt)}] ${m.author.name} (${ROLE[m.author.kind]}):`);
      if (m.body) lines.push(...indent(m.body));
      for (const a of m.attachments) lines.push(`    Attachment: ${attachmentLine(a)}`);
    } else {
      lines.push(`[${time(entry.note.at)}] Internal note — ${entry.note.author.name}:`, ...indent(entry.note.text));
    }
    lines.push('');
  }
  if (!t.messages.length) lines.push('(no messages)', '');
  return lines.join('\n');
}

/** Escapes text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/**
 * The page's only style sheet: inline, so it is served with `style-src 'unsafe-inline'` and nothing
 * else. Exported for a page that shows the transcript under its own strict CSP (the inbox), which
 * adopts it as a constructed style sheet instead.
 */
export const TRANSCRIPT_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #111; background: #fff; margin: 2rem auto; max-width: 46rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1.5rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline > li { border-top: 1px solid #ccc; padding: .6rem 0; break-inside: avoid; }
.who { font-weight: 600; }
.role, time { color: #555; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0 0; }
li.note { background: #fff6d6; padding: .6rem; }
.label { font-weight: 700; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; }
ul.attachments { margin: .3rem 0 0; padding-left: 1.2rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  li.note { background: none; border-left: 3pt solid #999; }
  a { color: inherit; text-decoration: none; }
}
`;

/** The transcript as one self-contained printable page: no scripts, no external resources, every value escaped. */
export function transcriptHtml(t: Transcript, opts: TranscriptOptions = {}): string {
  const e = escapeHtml;
  const time = (ms: number) => `<time datetime="${new Date(ms).toISOString()}">${e(formatTime(ms, opts.timeZone))}</time>`;
  const meta: Array<[string, string]> = [
    ['Clinic', e(t.clinic.name)],
    ['Patient', `${e(t.patient.name)} (${e(t.patient.id)})`],
    ['Conversation', `${e(t.conversation.id)} (${e(t.conversation.status)})`],
    ['Opened', time(t.conversation.openedAt)],
    ...(t.conversation.closedAt != null ? ([['Closed', time(t.conversation.closedAt)]] as Array<[string, string]>) : []),
    ['Exported', time(opts.generatedAt ?? Date.now())],
  ];
  const items = transcriptEntries(t, opts).map((entry) => {
    if (entry.kind === 'note') {
      const n = entry.note;
      return `<li class="note"><div><span class="label">Internal note</span> · <span class="who">${e(n.author.name)}</span> · ${time(n.at)}</div><p class="body">${e(n.text)}</p></li>`;
    }
    const m = entry.message;
    const files = m.attachments.length ? `<ul class="attachments">${m.attachments.map((a) => `<li>Attachment: ${e(attachmentLine(a))}</li>`).join('')}</ul>` : '';
    return `<li class="message ${m.author.kind}"><div><span class="who">${e(m.author.name)}</span> <span class="role">(${ROLE[m.author.kind]})</span> · ${time(m.sentAt)}</div>${m.body ? `<p class="body">${e(m.body)}</p>` : ''}${files}</li>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Chat transcript — ${e(t.clinic.name)} — ${e(t.patient.name)}</title>`,
    `<style>${TRANSCRIPT_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>Chat transcript — ${e(t.clinic.name)}</h1>`,
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    `<p>${e(zoneLabel(opts))}.${opts.internal ? ' Includes internal notes of the care team (not seen by the patient).' : ''}</p>`,
    items.length ? `<ol class="timeline">${items.join('\n')}</ol>` : '<p>(no messages)</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export { transcriptFhir } from './transcript-fhir.js';
export type { FhirBundle } from './transcript-fhir.js';
