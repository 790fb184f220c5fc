// The box's message log rows. Snapshots are immutable, so a message object that did not change
// is the same object: each row is guarded on it and renders (and formats its time) once.
import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AttachmentView, ChatMessage, FailReason } from '../../core/types.js';
import { formatBytes } from '../../format.js';
import { icons } from '../icons.js';

const STATUS_TEXT = { sending: 'Sending…', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' } as const;
const REASON_TEXT: Record<FailReason, string> = {
  'too-large': 'too large',
  'chat-ended': 'the chat has ended',
  'not-allowed': 'not allowed',
  'opted-out': 'this patient has opted out of messages',
  'unsupported-type': 'that kind of file cannot be sent',
  'not-found': 'this patient is unknown to the chat service',
  invalid: 'the message was refused as malformed',
};

// One formatter for every message: building one per call (what toLocaleTimeString does) costs ~50 µs.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** Gives an attachment's blob a URL the box owns (and revokes when the message leaves). */
export type UrlFor = (blob: Blob) => string;

/** The rows of a thread's log, keyed by message id; an unchanged message is not re-rendered. */
export function messageList(messages: readonly ChatMessage[], urlFor: UrlFor) {
  return repeat(
    messages,
    (m) => m.id,
    (m) => guard([m], () => renderMessage(m, urlFor)),
  );
}

function renderMessage(m: ChatMessage, urlFor: UrlFor) {
  const at = new Date(m.at);
  return html`<div part=${m.mine ? 'message message-mine' : 'message message-theirs'}>
    ${m.mine ? nothing : html`<span part="author">${m.from.name}</span>`}
    <div class="bubble">
      ${m.mine ? html`<span class="visually-hidden">You: </span>` : nothing}${m.text
        ? html`<span part="text">${m.text}</span>`
        : nothing}${m.attachments.map((a) => renderAttachment(a, urlFor))}
    </div>
    <span class="meta">
      <time datetime=${at.toISOString()}>${timeFormat.format(at)}</time>
      ${m.status
        ? html` · <span part=${m.status === 'failed' ? 'delivery delivery-failed' : 'delivery'}
              >${STATUS_TEXT[m.status]}${m.status === 'failed' && m.reason ? `: ${REASON_TEXT[m.reason]}` : ''}</span
            >`
        : nothing}
    </span>
  </div>`;
}

function renderAttachment(a: AttachmentView, urlFor: UrlFor) {
  if (!a.blob) {
    return html`<span part="attachment">
      ${a.name} <progress max="1" .value=${a.progress} aria-label=${`Receiving ${a.name}`}></progress>
    </span>`;
  }
  const url = urlFor(a.blob);
  if (a.mime.startsWith('image/')) {
    return html`<a part="attachment" href=${url} target="_blank" rel="noopener" download=${a.name}
      ><img src=${url} alt=${`Image: ${a.name}`}
    /></a>`;
  }
  return html`<a part="attachment" href=${url} target="_blank" rel="noopener" download=${a.name}
    >${icons.document} ${a.name} (${formatBytes(a.size)})</a
  >`;
}
