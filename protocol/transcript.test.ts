// The transcript exports as pure functions: what each format says, what it leaves out, that
// nothing a person typed can become markup, and that the FHIR Bundle is valid FHIR R4.
import { beforeAll, describe, expect, it } from 'vitest';
import { fhirErrors } from './testing/fhir-schema.js';
import { formatTime, transcriptFhir, transcriptHtml, transcriptText, type Transcript } from './transcript.js';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

function sample(overrides: Partial<Transcript> = {}): Transcript {
  return {
    clinic: { id: 'org_1', name: 'Northside Clinic' },
    patient: { id: 'ana', name: 'Ana Silva' },
    conversation: { id: 'cnv_1', status: 'closed', openedAt: T0, closedAt: T0 + 600_000 },
    messages: [
      { id: 'msg_1', seq: 1, author: { kind: 'patient', id: 'ana', name: 'Ana Silva' }, body: 'My knee hurts\nsince Monday', sentAt: T0 + 1000, attachments: [] },
      { id: 'msg_2', seq: 2, author: { kind: 'staff', id: 'dr-lee', name: 'Dr Lee' }, body: 'Can you send a photo?', sentAt: T0 + 60_000, attachments: [] },
      { id: 'msg_3', seq: 3, author: { kind: 'patient', id: 'ana', name: 'Ana Silva' }, body: '', sentAt: T0 + 120_000, attachments: [{ id: 'att_1', name: 'knee.png', mime: 'image/png', size: 20_480 }] },
      { id: 'msg_4', seq: 4, author: { kind: 'system', id: 'system', name: 'Northside Clinic' }, body: 'The chat has ended.', sentAt: T0 + 600_000, attachments: [] },
    ],
    notes: [{ id: 'note_1', author: { id: 'stf_kim', name: 'Nurse Kim' }, text: 'Looks like a sprain; book an X-ray', at: T0 + 90_000 }],
    ...overrides,
  };
}

const opts = { generatedAt: T0 + 700_000 };

// Compiling the FHIR R4 schema takes seconds on a busy machine: once, outside any test's timeout.
beforeAll(() => void fhirErrors({}), 60_000);

describe('transcriptText', () => {
  it('lists each message with its time, author and attachments, times in ISO by default', () => {
    const text = transcriptText(sample(), opts);
    expect(text).toContain('Chat transcript — Northside Clinic');
    expect(text).toContain('Patient: Ana Silva (ana)');
    expect(text).toContain('Times in UTC (ISO 8601)');
    expect(text).toContain('[2026-12-04T09:00:01.000Z] Ana Silva (patient):\n    My knee hurts\n    since Monday');
    expect(text).toContain('[2026-12-04T09:01:00.000Z] Dr Lee (care team):\n    Can you send a photo?');
    expect(text).toContain('    Attachment: knee.png (image/png, 20 KB)');
    expect(text).toContain('Closed: 2026-12-04T09:10:00.000Z');
  });

  it('leaves the internal notes out unless asked, and then marks them', () => {
    expect(transcriptText(sample(), opts)).not.toContain('sprain');
    const internal = transcriptText(sample(), { ...opts, internal: true });
    expect(internal).toContain('[2026-12-04T09:01:30.000Z] Internal note — Nurse Kim:\n    Looks like a sprain; book an X-ray');
    // By time: after the clinician's question, before the photo.
    expect(internal.indexOf('sprain')).toBeGreaterThan(internal.indexOf('Can you send'));
    expect(internal.indexOf('sprain')).toBeLessThan(internal.indexOf('knee.png'));
  });

  it('shows times in a stated time zone', () => {
    const text = transcriptText(sample(), { ...opts, timeZone: 'America/New_York' });
    expect(text).toContain('Times in America/New_York');
    expect(text).toContain('[2026-12-04 04:00:01] Ana Silva (patient):');
    expect(formatTime(T0, 'Asia/Kolkata')).toBe('2026-12-04 14:30:00');
  });
});

describe('transcriptHtml', () => {
  it('is one printable page: clinic, patient, dates, authors, attachments, a print style sheet and no script', () => {
    const html = transcriptHtml(sample(), opts);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).toContain('<h1>Chat transcript — Northside Clinic</h1>');
    expect(html).toContain('Ana Silva (ana)');
    expect(html).toContain('<time datetime="2026-12-04T09:01:00.000Z">');
    expect(html).toContain('Dr Lee');
    expect(html).toContain('Attachment: knee.png (image/png, 20 KB)');
    expect(html).not.toMatch(/<script|<link|<img|src=|href=/i);
    expect(html).not.toContain('sprain');
    expect(transcriptHtml(sample(), { ...opts, internal: true })).toContain('<span class="label">Internal note</span> · <span class="who">Nurse Kim</span>');
  });

  it('escapes every value a person typed: names, bodies, notes, attachment names, ids', () => {
    const t = sample({
      clinic: { name: XSS },
      patient: { id: 'ana', name: XSS },
      messages: [{ id: 'msg_1', seq: 1, author: { kind: 'patient', id: 'ana', name: XSS }, body: XSS, sentAt: T0, attachments: [{ id: 'a', name: XSS, mime: 'image/png', size: 1 }] }],
      notes: [{ id: 'n', author: { id: 's', name: XSS }, text: XSS, at: T0 }],
    });
    const html = transcriptHtml(t, { ...opts, internal: true });
    expect(html).not.toMatch(/<script|<img|onerror=alert\(2\)>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    // The only tags are the template's own.
    const tags = new Set([...html.matchAll(/<([a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(['body', 'dd', 'div', 'dl', 'dt', 'h1', 'head', 'html', 'li', 'meta', 'ol', 'p', 'span', 'style', 'time', 'title', 'ul']);
  });
});

describe('transcriptFhir', () => {
  it('is a FHIR R4 Bundle of Communications that the official schema accepts', () => {
    const bundle = transcriptFhir(sample(), { ...opts, attachmentUrl: (a) => `https://hub.example/v1/attachments/${a.id}` });
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', identifier: { system: 'urn:clinic-chat:conversation', value: 'cnv_1' }, timestamp: '2026-12-04T09:11:40.000Z' });
    expect(bundle.entry).toHaveLength(4);
    const [ana, lee, photo, ended] = bundle.entry.map((e) => e.resource);
    const patient = { type: 'Patient', identifier: { system: 'urn:clinic-chat:patient', value: 'ana' }, display: 'Ana Silva' };
    const drLee = { type: 'Practitioner', identifier: { system: 'urn:clinic-chat:staff', value: 'dr-lee' }, display: 'Dr Lee' };
    expect(ana).toMatchObject({
      resourceType: 'Communication',
      status: 'completed',
      identifier: [{ system: 'urn:clinic-chat:message', value: 'msg_1' }, { use: 'secondary', system: 'urn:clinic-chat:conversation', value: 'cnv_1' }],
      subject: patient,
      sender: patient,
      recipient: [drLee],
      sent: '2026-12-04T09:00:01.000Z',
      payload: [{ contentString: 'My knee hurts\nsince Monday' }],
    });
    expect(ana!.inResponseTo).toBeUndefined();
    expect(lee).toMatchObject({ sender: drLee, recipient: [patient], inResponseTo: [{ reference: bundle.entry[0]!.fullUrl }] });
    expect(photo).toMatchObject({
      inResponseTo: [{ reference: bundle.entry[1]!.fullUrl }],
      payload: [{ contentAttachment: { contentType: 'image/png', title: 'knee.png', size: 20_480, url: 'https://hub.example/v1/attachments/att_1' } }],
    });
    expect(ended).toMatchObject({ sender: { type: 'Organization', display: 'Northside Clinic' }, inResponseTo: [{ reference: bundle.entry[2]!.fullUrl }] });
    expect(JSON.stringify(bundle)).not.toContain('sprain');
  });

  it('includes the notes only when asked, as Communications of category internal-note, still valid', () => {
    const bundle = transcriptFhir(sample(), { ...opts, internal: true, identifierSystem: 'https://clinic.example/ids/' });
    expect(fhirErrors(bundle)).toEqual([]);
    const note = bundle.entry.map((e) => e.resource).find((r) => r.category);
    expect(note).toMatchObject({
      identifier: [{ system: 'https://clinic.example/ids/note', value: 'note_1' }, { system: 'https://clinic.example/ids/conversation' }],
      category: [{ coding: [{ code: 'internal-note' }], text: 'Internal note' }],
      sender: { type: 'Practitioner', display: 'Nurse Kim' },
      payload: [{ contentString: 'Looks like a sprain; book an X-ray' }],
    });
    expect(note!.recipient).toBeUndefined();
  });

  it('a conversation without messages is an empty, valid collection; the schema check does reject a broken bundle', () => {
    expect(fhirErrors(transcriptFhir(sample({ messages: [], notes: [] }), opts))).toEqual([]);
    const broken = transcriptFhir(sample(), opts) as unknown as { entry: Array<{ resource: Record<string, unknown> }> };
    broken.entry[0]!.resource.status = 'sent';
    broken.entry[1]!.resource.sent = 'yesterday';
    expect(fhirErrors(broken).length).toBeGreaterThan(0);
    expect(fhirErrors({ ...transcriptFhir(sample(), opts), type: 'chat' }).length).toBeGreaterThan(0);
  });
});
