// A transcript as a FHIR R4 Bundle (type `collection`) of Communication resources, one per
// message and, with `internal`, one per note (category "internal-note"). The mapping is in
// docs/records.md. Pure: the only global used is crypto.getRandomValues (browsers, also on plain
// http where randomUUID is missing, and Node).
import { transcriptEntries, type Transcript, type TranscriptAuthor, type TranscriptMessage, type TranscriptOptions } from './transcript.js';

/** The JSON of a FHIR R4 Bundle: kept loose, as the FHIR JSON schema is the check (tests validate it). */
export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  identifier: FhirIdentifier;
  timestamp: string;
  entry: Array<{ fullUrl: string; resource: FhirCommunication }>;
}

interface FhirIdentifier {
  use?: 'official' | 'secondary';
  system: string;
  value: string;
}

interface FhirReference {
  reference?: string;
  type?: 'Patient' | 'Practitioner' | 'Organization';
  identifier?: FhirIdentifier;
  display?: string;
}

interface FhirCommunication {
  resourceType: 'Communication';
  identifier: FhirIdentifier[];
  status: 'completed';
  category?: Array<{ coding: Array<{ system: string; code: string; display: string }>; text: string }>;
  subject: FhirReference;
  sent: string;
  sender: FhirReference;
  recipient?: FhirReference[];
  inResponseTo?: FhirReference[];
  payload?: Array<{ contentString: string } | { contentAttachment: { contentType: string; title: string; size: number; url?: string } }>;
}

/** Identifier systems: `<base>:<kind>` for a URN base, `<base>/<kind>` for a URL. */
function systemOf(base: string, kind: 'conversation' | 'message' | 'note' | 'patient' | 'staff' | 'category'): string {
  return base.startsWith('urn:') ? `${base}:${kind}` : `${base.replace(/\/+$/, '')}/${kind}`;
}

export function transcriptFhir(t: Transcript, opts: TranscriptOptions = {}): FhirBundle {
  const base = opts.identifierSystem ?? 'urn:clinic-chat';
  const conversation: FhirIdentifier = { system: systemOf(base, 'conversation'), value: t.conversation.id };
  const patient: FhirReference = { type: 'Patient', identifier: { system: systemOf(base, 'patient'), value: t.patient.id }, display: t.patient.name };
  const clinic: FhirReference = { type: 'Organization', display: t.clinic.name };
  const person = (author: TranscriptAuthor): FhirReference => {
    if (author.kind === 'patient') return patient;
    if (author.kind === 'staff') return { type: 'Practitioner', identifier: { system: systemOf(base, 'staff'), value: author.id }, display: author.name };
    return clinic;
  };
  // Who a patient's message went to: every clinician who wrote in the conversation, else the clinic.
  const clinicians = new Map<string, FhirReference>();
  for (const m of t.messages) if (m.author.kind === 'staff' && !clinicians.has(m.author.id)) clinicians.set(m.author.id, person(m.author));
  const careTeam = clinicians.size ? [...clinicians.values()] : [clinic];

  const urls = new Map<string, string>();
  const entry: FhirBundle['entry'] = [];
  /** The last message from the patient, and from the care team (staff or system). */
  const lastFrom: { patient?: TranscriptMessage; team?: TranscriptMessage } = {};
  for (const item of transcriptEntries(t, opts)) {
    const fullUrl = `urn:uuid:${uuid()}`;
    if (item.kind === 'note') {
      const n = item.note;
      entry.push({
        fullUrl,
        resource: {
          resourceType: 'Communication',
          identifier: [{ use: 'official', system: systemOf(base, 'note'), value: n.id }, { use: 'secondary', ...conversation }],
          status: 'completed',
          category: [{ coding: [{ system: systemOf(base, 'category'), code: 'internal-note', display: 'Internal note' }], text: 'Internal note' }],
          subject: patient,
          sent: new Date(n.at).toISOString(),
          sender: { type: 'Practitioner', identifier: { system: systemOf(base, 'staff'), value: n.author.id }, display: n.author.name },
          payload: [{ contentString: n.text }],
        },
      });
      continue;
    }
    const m = item.message;
    const fromPatient = m.author.kind === 'patient';
    // inResponseTo: the latest earlier message from the other side, if any.
    const answered = fromPatient ? lastFrom.team : lastFrom.patient;
    const payload: NonNullable<FhirCommunication['payload']> = [];
    if (m.body) payload.push({ contentString: m.body });
    for (const a of m.attachments) {
      const url = opts.attachmentUrl?.(a);
      payload.push({ contentAttachment: { contentType: a.mime, title: a.name, size: a.size, ...(url && { url }) } });
    }
    entry.push({
      fullUrl,
      resource: {
        resourceType: 'Communication',
        identifier: [{ use: 'official', system: systemOf(base, 'message'), value: m.id }, { use: 'secondary', ...conversation }],
        status: 'completed',
        subject: patient,
        sent: new Date(m.sentAt).toISOString(),
        sender: person(m.author),
        recipient: fromPatient ? careTeam : [patient],
        ...(answered && { inResponseTo: [{ reference: urls.get(answered.id)! }] }),
        ...(payload.length ? { payload } : {}),
      },
    });
    urls.set(m.id, fullUrl);
    if (fromPatient) lastFrom.patient = m;
    else lastFrom.team = m;
  }
  return {
    resourceType: 'Bundle',
    type: 'collection',
    identifier: conversation,
    timestamp: new Date(opts.generatedAt ?? Date.now()).toISOString(),
    entry,
  };
}

/** A random (version 4) UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
