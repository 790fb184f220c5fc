// The mapping from an in-memory thread to a transcript, and the file it is saved as.
import { describe, expect, it } from 'vitest';
import { fhirErrors } from '../../protocol/testing/fhir-schema.js';
import type { FhirBundle } from '../../protocol/transcript.js';
import { transcriptFile, transcriptOf } from './transcript-of.js';
import type { ChatMessage, ThreadState } from './types.js';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const ana = { id: 'ana', name: 'Ana Silva', role: 'patient' as const };
const lee = { id: 'dr-lee', name: 'Dr Lee', role: 'provider' as const };

function message(id: string, from: typeof ana | typeof lee, text: string, at: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, thread: 'ana', from, text, at, clock: at, mine: from === lee, attachments: [], ...extra };
}

function thread(overrides: Partial<ThreadState> = {}): ThreadState {
  const messages = overrides.messages ?? [
    message('m1', ana, 'My knee hurts', T0 + 1000),
    message('m2', lee, 'Can you send a photo?', T0 + 60_000, { status: 'read' }),
    message('m3', ana, '', T0 + 120_000, { attachments: [{ id: 'a1', name: 'knee.png', mime: 'image/png', size: 20_480, progress: 1, blob: new Blob(['x']) }] }),
  ];
  return {
    id: 'ana',
    patient: ana,
    visit: 'visit-42',
    present: true,
    ended: false,
    messages,
    unread: 0,
    typing: [],
    arrivedAt: T0,
    cleared: false,
    inCall: false,
    peerState: 'waiting',
    ...(messages.length ? { lastMessage: messages.at(-1)! } : {}),
    ...overrides,
  };
}

describe('transcriptOf', () => {
  it('maps each message with its author, time and attachment metadata, in thread order', () => {
    const t = transcriptOf(thread(), 'Northside Clinic');
    expect(t.clinic).toEqual({ name: 'Northside Clinic' });
    expect(t.patient).toEqual({ id: 'ana', name: 'Ana Silva' });
    expect(t.messages).toEqual([
      { id: 'm1', seq: 1, author: { kind: 'patient', id: 'ana', name: 'Ana Silva' }, body: 'My knee hurts', sentAt: T0 + 1000, attachments: [] },
      { id: 'm2', seq: 2, author: { kind: 'staff', id: 'dr-lee', name: 'Dr Lee' }, body: 'Can you send a photo?', sentAt: T0 + 60_000, attachments: [] },
      { id: 'm3', seq: 3, author: { kind: 'patient', id: 'ana', name: 'Ana Silva' }, body: '', sentAt: T0 + 120_000, attachments: [{ id: 'a1', name: 'knee.png', mime: 'image/png', size: 20_480 }] },
    ]);
  });

  it('is the visit while it is open, and closed at the time the chat ended', () => {
    expect(transcriptOf(thread()).conversation).toEqual({ id: 'visit-42', status: 'open', openedAt: T0, closedAt: null });
    const ended = transcriptOf(thread({ ended: true, endedAt: T0 + 300_000 })).conversation;
    expect(ended).toEqual({ id: 'visit-42', status: 'closed', openedAt: T0, closedAt: T0 + 300_000 });
  });

  it('falls back to the patient thread and the default clinic name when the host gives neither', () => {
    const { visit: _visit, ...noVisit } = thread();
    const t = transcriptOf(noVisit);
    expect(t.conversation.id).toBe('ana');
    expect(t.clinic.name).toBe('Clinic');
    expect(transcriptOf(thread(), '  ').clinic.name).toBe('Clinic');
  });

  it('leaves out a message that failed, which the other side never received', () => {
    const t = transcriptOf(thread({ messages: [message('m1', ana, 'Hello', T0 + 1000), message('m2', lee, 'Lost', T0 + 2000, { status: 'failed', reason: 'chat-ended' })] }));
    expect(t.messages.map((m) => m.id)).toEqual(['m1']);
  });

  it('keeps the hub sequence number when a message has one', () => {
    const t = transcriptOf(thread({ messages: [message('m1', ana, 'Hello', T0 + 1000, { seq: 17 })] }));
    expect(t.messages[0]!.seq).toBe(17);
  });

  it('of an empty thread opens when the patient arrived', () => {
    const t = transcriptOf(thread({ messages: [] }));
    expect(t.messages).toEqual([]);
    expect(t.conversation.openedAt).toBe(T0);
  });
});

describe('transcriptFile', () => {
  const at = T0 + 700_000;

  it('as text is a .txt named after the patient and the day, with every message', () => {
    const file = transcriptFile(transcriptOf(thread(), 'Northside Clinic'), 'text', { generatedAt: at });
    expect(file.name).toBe('chat-transcript-ana-2026-12-04.txt');
    expect(file.type).toBe('text/plain;charset=utf-8');
    expect(file.content).toContain('Chat transcript — Northside Clinic');
    expect(file.content).toContain('[2026-12-04T09:00:01.000Z] Ana Silva (patient):\n    My knee hurts');
    expect(file.content).toContain('Dr Lee (care team):\n    Can you send a photo?');
    expect(file.content).toContain('Attachment: knee.png (image/png, 20 KB)');
  });

  it('as FHIR is a valid R4 Bundle with one Communication per message', () => {
    const file = transcriptFile(transcriptOf(thread({ ended: true, endedAt: at })), 'fhir', { generatedAt: at });
    expect(file.name).toBe('chat-transcript-ana-2026-12-04.json');
    expect(file.type).toBe('application/fhir+json');
    const bundle = JSON.parse(file.content) as FhirBundle;
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['Communication', 'Communication', 'Communication']);
    expect(bundle.entry[1]!.resource.sender.display).toBe('Dr Lee');
    // Compiling the official FHIR schema takes seconds, more on a busy machine.
  }, 30_000);

  it('keeps a vendor id that is not file-name safe out of the path', () => {
    const file = transcriptFile(transcriptOf(thread({ patient: { ...ana, id: '../etc/ana smith' } })), 'text', { generatedAt: at });
    expect(file.name).toBe('chat-transcript-_etc_ana_smith-2026-12-04.txt');
  });
});
