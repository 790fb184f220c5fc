// The box's message log rows: grouped by author, with date separators, initials avatars and
// clickable links. Snapshots are immutable, so a message object that did not change is the same
// object: each row is guarded on it (and its place in its group) and renders once.
import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Note } from '../../../protocol/inbox.js';
import type { TimelineEvent } from '../../../protocol/timeline.js';
import type { AttachmentView, ChatMessage, FailReason } from '../../core/types.js';
import { displayName, formatBytes } from '../../format.js';
import { icons } from '../icons.js';
import { renderEvent } from './event-card.js';
import type { ViewedImage } from './image-viewer.js';

const STATUS_TEXT = { sending: 'Sending…', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' } as const;
const REASON_TEXT: Record<FailReason, string> = {
  'too-large': 'too large',
  'chat-ended': 'the chat has ended',
  'not-allowed': 'not allowed',
  'opted-out': 'opted out',
  'unsupported-type': 'that kind of file cannot be sent',
  'not-found': 'this patient is unknown to the chat service',
  invalid: 'the message was refused as malformed',
};

// One formatter for every message: building one per call (what toLocaleTimeString does) costs ~50 µs.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const relativeDay = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

// http(s) links only; trailing punctuation belongs to the sentence, not the link.
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'")\]]+$/;

/** What the box does for the log's attachments. */
export interface AttachmentActions {
  /** Gives an attachment's blob a URL the box owns (and revokes when the message leaves). */
  readonly urlFor: (blob: Blob) => string;
  /** An image's thumbnail was activated: show it full size, focus back on `opener` afterwards. */
  readonly open: (image: ViewedImage, opener: HTMLElement) => void;
}

interface NoteRow {
  readonly note: Note;
  readonly day: string | undefined;
}

interface EventRow {
  readonly event: TimelineEvent;
  readonly day: string | undefined;
}

/** What the shared inbox places among the messages by time: staff-only notes and events. */
type Aside = Note | TimelineEvent;

/** The shared inbox's part of the timeline: notes, events, and who reads them (their staff id, for "You"). */
export interface Asides {
  readonly notes: readonly Note[];
  readonly events: readonly TimelineEvent[];
  readonly me?: string;
}

const NO_ASIDES: Asides = { notes: [], events: [] };

interface Row {
  readonly m: ChatMessage;
  /** The date separator above this message ("Today", "Yesterday", a date), when its day starts here. */
  readonly day: string | undefined;
  readonly first: boolean;
  readonly last: boolean;
}

/**
 * The rows of a thread's log from message `from` on, keyed by message id, with the staff-only
 * notes and events of that stretch (shared inbox) placed by time. Consecutive messages of one
 * author on one day form a group: the name and avatar on the first, the time on the last; a
 * note or an event ends a group.
 */
export function messageList(messages: readonly ChatMessage[], attachments: AttachmentActions, from = 0, asides: Asides = NO_ASIDES, now = Date.now()) {
  const today = startOfDay(now);
  const items = withAsides(messages, from, asides);
  const rows: Array<Row | NoteRow | EventRow> = [];
  // A window's first row groups with the message above it, as it would in the whole thread.
  let previousDay = from > 0 ? dayOf(messages[from - 1]) : -1;
  let prev: ChatMessage | Aside | undefined = from > 0 ? messages[from - 1] : undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const day = dayOf(item);
    const label = day === previousDay ? undefined : dayLabel(day, today);
    if (isAside(item)) {
      rows.push('kind' in item ? { event: item, day: label } : { note: item, day: label });
    } else {
      const next = items[i + 1];
      rows.push({
        m: item,
        day: label,
        first: !prev || isAside(prev) || prev.from.id !== item.from.id || day !== previousDay,
        last: !next || isAside(next) || next.from.id !== item.from.id || dayOf(next) !== day,
      });
    }
    prev = item;
    previousDay = day;
  }
  return repeat(
    rows,
    (r) => ('note' in r ? `note:${r.note.id}` : 'event' in r ? `event:${r.event.id}` : r.m.id),
    (r) =>
      'note' in r
        ? guard([r.note, r.day], () => renderNote(r))
        : 'event' in r
          ? guard([r.event, r.day, asides.me], () => html`${separator(r.day)}${renderEvent(r.event, asides.me)}`)
          : guard([r.m, r.day, r.first, r.last], () => renderRow(r, attachments)),
  );
}

const isAside = (item: ChatMessage | Aside): item is Aside => 'conversation' in item;

/** Messages from `from` on, with the notes and events since the first of them placed before the first later message. */
function withAsides(messages: readonly ChatMessage[], from: number, { notes, events }: Asides): ReadonlyArray<ChatMessage | Aside> {
  const shown = from > 0 ? messages.slice(from) : messages;
  if (notes.length === 0 && events.length === 0) return shown;
  const since = from > 0 ? (messages[from]?.at ?? Infinity) : -Infinity;
  const pending = [...notes, ...events].filter((n) => n.at >= since).sort((a, b) => a.at - b.at);
  const out: Array<ChatMessage | Aside> = [];
  let n = 0;
  for (const m of shown) {
    while (n < pending.length && pending[n].at <= m.at) out.push(pending[n++]);
    out.push(m);
  }
  while (n < pending.length) out.push(pending[n++]);
  return out;
}

function separator(day: string | undefined) {
  return day ? html`<p part="date-separator" role="separator" aria-label=${day}>${day}</p>` : nothing;
}

function renderNote({ note, day }: NoteRow) {
  const at = new Date(note.at);
  const author = displayName(note.author.name);
  return html`${separator(day)}<div part="note">
      <span class="note-label">Internal note · ${author}</span>
      <span part="text">${linkify(note.text)}</span>
      <time part="time" datetime=${at.toISOString()}>${timeFormat.format(at)}</time>
    </div>`;
}

function renderRow({ m, day, first, last }: Row, attachments: AttachmentActions) {
  const at = new Date(m.at);
  const author = displayName(m.from.name);
  const parts = ['message', m.mine ? 'message-mine' : 'message-theirs', first ? 'group-first' : '', last ? 'group-last' : ''];
  return html`${day ? html`<p part="date-separator" role="separator" aria-label=${day}>${day}</p>` : nothing}<div
      part=${parts.filter(Boolean).join(' ')}
    >
      ${m.mine || !first
        ? nothing
        : html`<span class="from"
            ><span part="avatar" aria-hidden="true">${initials(author)}</span><span part="author" title=${author}>${author}</span></span
          >`}
      <div class="bubble">
        ${m.mine ? html`<span class="visually-hidden">You: </span>` : nothing}${m.text
          ? html`<span part="text">${linkify(m.text)}</span>`
          : nothing}${m.attachments.map((a) => renderAttachment(a, attachments))}
      </div>
      ${last || m.status ? renderMeta(m, at, last) : nothing}
    </div>`;
}

function renderMeta(m: ChatMessage, at: Date, withTime: boolean) {
  return html`<span class="meta">
      ${withTime ? html`<time part="time" datetime=${at.toISOString()}>${timeFormat.format(at)}</time>` : nothing}
      ${m.status
        ? html`${withTime ? ' · ' : nothing}<span part=${m.status === 'failed' ? 'delivery delivery-failed' : 'delivery'}
              >${STATUS_TEXT[m.status]}${m.status === 'failed' && m.reason ? `: ${REASON_TEXT[m.reason]}` : ''}</span
            >`
        : nothing}
    </span>`;
}

/** Text with its http(s) links as <a> elements: text nodes and elements only, never parsed HTML. */
export function linkify(text: string): Array<string | ReturnType<typeof html>> {
  const out: Array<string | ReturnType<typeof html>> = [];
  let from = 0;
  for (const match of text.matchAll(LINK)) {
    const href = match[0].replace(TRAILING, '');
    if (!isHttp(href)) continue;
    out.push(text.slice(from, match.index), html`<a part="link" href=${href} target="_blank" rel="noopener noreferrer">${href}</a>`);
    from = match.index + href.length;
  }
  out.push(text.slice(from));
  return out;
}

function isHttp(href: string): boolean {
  try {
    const { protocol } = new URL(href);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Up to two initials: "Ana Silva" → "AS", "dr lee" → "DL". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)!] : words;
  return letters.map((w) => [...w][0]!.toLocaleUpperCase()).join('');
}

// A message's day, computed once per message object (a render walks every message).
const days = new WeakMap<ChatMessage | Aside, number>();
function dayOf(m: ChatMessage | Aside): number {
  let day = days.get(m);
  if (day === undefined) days.set(m, (day = startOfDay(m.at)));
  return day;
}

function startOfDay(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function dayLabel(day: number, today: number): string {
  const days = Math.round((day - today) / 86_400_000);
  if (days === 0 || days === -1) {
    const word = relativeDay.format(days, 'day');
    return word.charAt(0).toLocaleUpperCase() + word.slice(1);
  }
  return dateFormat.format(day);
}

/**
 * An image is a thumbnail that opens the box's viewer; a PDF opens in a new tab (the browser's
 * viewer), with a Download link beside it; any other file downloads.
 */
function renderAttachment(a: AttachmentView, { urlFor, open }: AttachmentActions) {
  const name = displayName(a.name);
  if (!a.blob) {
    return html`<span part="attachment" class="attachment">
      ${name} <progress max="1" .value=${a.progress} aria-label=${`Receiving ${name}`}></progress>
    </span>`;
  }
  const blob = a.blob;
  const url = urlFor(blob);
  if (a.mime.startsWith('image/')) {
    return html`<button
      part="attachment"
      class="attachment thumbnail"
      type="button"
      aria-haspopup="dialog"
      @click=${(e: Event) => open({ blob, url, name }, e.currentTarget as HTMLElement)}
    >
      <img src=${url} alt=${`Image: ${name}`} />
    </button>`;
  }
  const label = html`${icons.document} ${name} (${formatBytes(a.size)})`;
  if (a.mime === 'application/pdf') {
    return html`<span class="attachment file">
      <a part="attachment" href=${url} target="_blank" rel="noopener">${label}</a>
      <a part="attachment-download" href=${url} download=${name} aria-label=${`Download ${name}`}>Download</a>
    </span>`;
  }
  return html`<a part="attachment" class="attachment" href=${url} target="_blank" rel="noopener" download=${name}>${label}</a>`;
}
