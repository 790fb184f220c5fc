// What a timeline event says, in words for the care team: "Dr Lee assigned this to Front desk",
// "Call · Left a voicemail · 1 min 35 s". DOM-free, so the rules are tested in Node; the box
// renders the words as a compact card.
import type { TimelineEvent } from '../../protocol/timeline.js';

export interface EventWords {
  /** The card's sentence. */
  readonly text: string;
  /** A second line: a call's duration, an email's snippet. */
  readonly detail?: string;
  /** A link the vendor gave (a recording, the email), http(s) only. */
  readonly link?: { readonly href: string; readonly label: string };
}

/** `me`: the reader's staff id, so their own actions read "You …". */
export function eventWords(event: TimelineEvent, me?: string): EventWords {
  const who = event.by ? (event.by.kind === 'staff' && event.by.id === me ? 'You' : event.by.name || 'Someone') : 'The system';
  const to = event.to ? (event.to.kind === 'staff' && event.to.id === me ? 'you' : event.to.name || 'someone') : 'no one';
  switch (event.kind) {
    case 'assigned':
      return { text: event.to ? `${who} assigned this to ${to}` : `${who} unassigned this` };
    case 'hand-off':
      return { text: `${who} handed this off from ${event.from?.name || 'someone'} to ${to}` };
    case 'claimed':
      return { text: `${who} claimed this` };
    case 'released':
      return { text: `${who} released this` };
    case 'closed':
      return { text: `${who} closed this` };
    case 'reopened':
      return { text: event.by?.kind === 'patient' ? `${who} wrote again: re-opened` : `${who} re-opened this` };
    case 'urgent':
      return { text: event.urgent ? `${who} marked this urgent` : `${who} marked this not urgent` };
    case 'opted-out':
      return { text: `${who} opted the patient out of messages` };
    case 'merged':
      return { text: `${who} merged ${event.merged?.name || 'another patient record'} into this one` };
    case 'visit-started':
      return { text: 'Visit started' };
    case 'visit-ended':
      return { text: `${who} ended the visit chat` };
    case 'call':
      return {
        text: `Call · ${event.call?.outcome ?? ''}`,
        detail: duration(event.call?.durationSec ?? 0),
        ...(event.call?.recordingUrl && { link: { href: event.call.recordingUrl, label: 'Recording' } }),
      };
    case 'email':
      return {
        text: `Email · ${event.email?.subject ?? ''}`,
        ...(event.email?.snippet && { detail: event.email.snippet }),
        ...(event.email?.link && { link: { href: event.email.link, label: 'Open email' } }),
      };
  }
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h} h ${m} min`;
  if (m) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}
