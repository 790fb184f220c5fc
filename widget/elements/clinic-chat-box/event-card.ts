// A timeline event as a compact card among the messages (shared inbox, staff only): one line
// of what happened and when, a second line for a call's duration or an email's snippet, and
// the vendor's link.
import { html, nothing } from 'lit';
import type { TimelineEvent } from '../../../protocol/timeline.js';
import { eventWords } from '../../inbox/timeline-text.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

export function renderEvent(event: TimelineEvent, me: string | undefined) {
  const words = eventWords(event, me);
  const at = new Date(event.at);
  return html`<div part=${`event event-${event.kind}`}>
    <span part="event-text">${words.text}</span>
    <time part="time" datetime=${at.toISOString()}>${timeFormat.format(at)}</time>
    ${words.detail ? html`<span part="event-detail">${words.detail}</span>` : nothing}
    ${words.link ? html`<a part="event-link" href=${words.link.href} target="_blank" rel="noopener noreferrer">${words.link.label}</a>` : nothing}
  </div>`;
}
