// An ephemeral visit's transcript, made from the core's in-memory thread so the care team can
// save it before the chat is erased: the mapping to protocol/transcript.ts and the file it becomes.
// Pure: no DOM, no storage; the element only turns the file into a download.
import { transcriptFhir, transcriptText, type Transcript, type TranscriptOptions } from '../../protocol/transcript.js';
import type { ChatMessage, ThreadState } from './types.js';

/** The clinic's name when the host gives none. */
export const DEFAULT_CLINIC_NAME = 'Clinic';

export type TranscriptFormat = 'text' | 'fhir';

export interface TranscriptFile {
  /** A file name without any path: `chat-transcript-<patient id>-<YYYY-MM-DD>.txt` or `.json`. */
  readonly name: string;
  /** The Blob type. */
  readonly type: string;
  readonly content: string;
}

/**
 * The thread as a transcript. A message that failed never reached the other side, so it is
 * left out; one still being sent is in (the transcript is what was written in the visit).
 * The conversation is the visit when the thread has one, else the patient's thread.
 */
export function transcriptOf(thread: ThreadState, clinicName: string = DEFAULT_CLINIC_NAME): Transcript {
  const messages = thread.messages.filter((m) => m.status !== 'failed');
  const first = messages[0]?.at;
  return {
    clinic: { name: clinicName.trim() || DEFAULT_CLINIC_NAME },
    patient: { id: thread.patient.id, name: thread.patient.name },
    conversation: {
      id: thread.visit ?? thread.id,
      status: thread.ended ? 'closed' : 'open',
      openedAt: first === undefined ? thread.arrivedAt : Math.min(thread.arrivedAt, first),
      closedAt: thread.ended ? (thread.endedAt ?? thread.lastMessage?.at ?? thread.arrivedAt) : null,
    },
    messages: messages.map((m, i) => transcriptMessage(m, i)),
  };
}

function transcriptMessage(m: ChatMessage, index: number): Transcript['messages'][number] {
  return {
    id: m.id,
    // Ephemeral messages have no hub sequence: their place in the thread stands in for it.
    seq: m.seq ?? index + 1,
    author: { kind: m.from.role === 'patient' ? 'patient' : 'staff', id: m.from.id, name: m.from.name },
    body: m.text,
    sentAt: m.at,
    attachments: m.attachments.map(({ id, name, mime, size }) => ({ id, name, mime, size })),
  };
}

/** The transcript as the file to save: plain text, or a FHIR R4 Bundle of Communications as JSON. */
export function transcriptFile(t: Transcript, format: TranscriptFormat, opts: TranscriptOptions = {}): TranscriptFile {
  const at = opts.generatedAt ?? Date.now();
  const stem = `chat-transcript-${safeName(t.patient.id)}-${new Date(at).toISOString().slice(0, 10)}`;
  return format === 'text'
    ? { name: `${stem}.txt`, type: 'text/plain;charset=utf-8', content: transcriptText(t, { ...opts, generatedAt: at }) }
    : { name: `${stem}.json`, type: 'application/fhir+json', content: `${JSON.stringify(transcriptFhir(t, { ...opts, generatedAt: at }), null, 2)}\n` };
}

/** Ids are the vendor's: keep a file name to letters, digits, `-` and `_`. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) || 'patient';
}
