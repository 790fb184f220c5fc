// A conversation's transcript as protocol/transcript.ts renders it, read from the database: the
// clinic, the patient, every message in seq order with its attachments and, for an internal copy
// only, the care team's notes. People are named by their external ids (the vendor's).
import type { Transcript, TranscriptMessage, TranscriptNote } from '../../protocol/transcript.js';
import type { Identity } from '../auth/identity.js';
import type { HubDatabase } from '../db/database.js';
import { messagePage } from '../db/repositories/history.js';
import { attachmentsOf } from '../db/repositories/messages.js';
import { notesOf } from '../db/repositories/notes.js';
import { getOrg } from '../db/repositories/orgs.js';
import { getPatient, getStaff } from '../db/repositories/people.js';
import type { Conversation } from '../db/tables.js';

/** Messages are read in pages of this many, so a long conversation is not one huge result. */
const PAGE = 500;

/** `conversation` must already be one the caller may see (domain/access.ts). */
export async function loadTranscript(db: HubDatabase, identity: Identity, conversation: Conversation, opts: { internal?: boolean } = {}): Promise<Transcript> {
  const orgId = identity.orgId;
  const [org, patient] = await Promise.all([getOrg(db, orgId), getPatient(db, orgId, conversation.patient_id)]);
  const messages: TranscriptMessage[] = [];
  for (let after = 0; ; ) {
    const page = await messagePage(db, orgId, conversation.id, after, PAGE);
    const files = await attachmentsOf(db, orgId, page.map((m) => m.id));
    for (const m of page) {
      messages.push({
        id: m.id,
        seq: Number(m.seq),
        author: { kind: m.author_kind, id: m.author_external_id ?? m.author_id, name: m.author_name },
        body: m.body,
        sentAt: Number(m.sent_at),
        attachments: files.filter((a) => a.message_id === m.id).map((a) => ({ id: a.id, name: a.name, mime: a.mime, size: Number(a.size) })),
      });
    }
    if (page.length < PAGE) break;
    after = Number(page[page.length - 1]!.seq);
  }
  return {
    clinic: { id: orgId, name: org?.name ?? orgId },
    patient: { id: patient?.external_id ?? conversation.patient_id, name: patient?.name ?? '' },
    conversation: {
      id: conversation.id,
      status: conversation.status,
      openedAt: Number(conversation.created_at),
      closedAt: conversation.closed_at == null ? null : Number(conversation.closed_at),
    },
    messages,
    ...(opts.internal && { notes: await notesFor(db, orgId, conversation.id) }),
  };
}

async function notesFor(db: HubDatabase, orgId: string, conversationId: string): Promise<TranscriptNote[]> {
  const notes = await notesOf(db, orgId, conversationId);
  const authors = new Map<string, string>();
  for (const id of new Set(notes.map((n) => n.author_staff_id))) {
    const staff = await getStaff(db, orgId, id);
    if (staff) authors.set(id, staff.external_id);
  }
  return notes.map((n) => ({ id: n.id, author: { id: authors.get(n.author_staff_id) ?? n.author_staff_id, name: n.author_name }, text: n.body, at: Number(n.created_at) }));
}
