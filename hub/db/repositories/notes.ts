// Internal notes and their @mentions. Staff only: no patient-facing query reads these tables
// (history, transcripts for patients and the socket's replay read `messages` alone).
import { nanoid } from 'nanoid';
import type { HubDatabase } from '../database.js';
import type { Mention, Note } from '../tables.js';

export interface NoteInput {
  orgId: string;
  conversationId: string;
  authorStaffId: string;
  authorName: string;
  clientId: string;
  body: string;
  /** Staff members and lists named with @; lists are expanded to their members. */
  mentions: ReadonlyArray<{ kind: 'staff' | 'list'; id: string }>;
}

export interface StoredNote {
  note: Note;
  /** The staff ids mentioned (after expanding lists), the author left out. */
  mentioned: string[];
  duplicate: boolean;
}

/** Stores a note once per client id; unknown or foreign mention targets are refused (undefined). */
export async function addNote(db: HubDatabase, input: NoteInput, now = Date.now()): Promise<StoredNote | undefined> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('notes')
      .selectAll()
      .where('conversation_id', '=', input.conversationId)
      .where('author_staff_id', '=', input.authorStaffId)
      .where('client_id', '=', input.clientId)
      .executeTakeFirst();
    if (existing) {
      const rows = await trx.selectFrom('mentions').select('staff_id').where('note_id', '=', existing.id).execute();
      return { note: existing, mentioned: rows.map((r) => r.staff_id), duplicate: true };
    }
    const staffIds = input.mentions.filter((m) => m.kind === 'staff').map((m) => m.id);
    const listIds = input.mentions.filter((m) => m.kind === 'list').map((m) => m.id);
    const staff = staffIds.length ? await trx.selectFrom('staff').select('id').where('org_id', '=', input.orgId).where('id', 'in', staffIds).execute() : [];
    const lists = listIds.length ? await trx.selectFrom('lists').select('id').where('org_id', '=', input.orgId).where('id', 'in', listIds).execute() : [];
    if (staff.length !== new Set(staffIds).size || lists.length !== new Set(listIds).size) return undefined;
    const members = listIds.length ? await trx.selectFrom('list_members').select('staff_id').where('list_id', 'in', listIds).execute() : [];
    const mentioned = [...new Set([...staffIds, ...members.map((m) => m.staff_id)])].filter((id) => id !== input.authorStaffId);
    const note: Note = {
      id: `note_${nanoid(14)}`,
      org_id: input.orgId,
      conversation_id: input.conversationId,
      author_staff_id: input.authorStaffId,
      author_name: input.authorName,
      client_id: input.clientId,
      body: input.body,
      created_at: now,
    };
    await trx.insertInto('notes').values(note).execute();
    if (mentioned.length) {
      await trx
        .insertInto('mentions')
        .values(mentioned.map((staffId) => ({ id: `mnt_${nanoid(14)}`, org_id: input.orgId, note_id: note.id, conversation_id: input.conversationId, staff_id: staffId, created_at: now, dismissed_at: null })))
        .execute();
    }
    await trx.updateTable('conversations').set({ updated_at: now }).where('id', '=', input.conversationId).where('org_id', '=', input.orgId).execute();
    return { note, mentioned, duplicate: false };
  });
}

/** A conversation's notes, oldest first, each with the staff it mentions. */
export async function notesOf(db: HubDatabase, orgId: string, conversationId: string): Promise<Array<Note & { mentioned: string[] }>> {
  const notes = await db.selectFrom('notes').selectAll().where('org_id', '=', orgId).where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('id').execute();
  if (!notes.length) return [];
  const mentions = await db.selectFrom('mentions').select(['note_id', 'staff_id']).where('org_id', '=', orgId).where('conversation_id', '=', conversationId).execute();
  return notes.map((n) => ({ ...n, mentioned: mentions.filter((m) => m.note_id === n.id).map((m) => m.staff_id) }));
}

export interface MentionRow extends Mention {
  note_body: string;
  note_author_name: string;
  patient_external_id: string;
  patient_name: string;
}

/** A staff member's Mentions list: newest first; dismissed ones only when asked for. */
export function mentionsOf(db: HubDatabase, orgId: string, staffId: string, includeDismissed = false, limit = 100): Promise<MentionRow[]> {
  let query = db
    .selectFrom('mentions')
    .innerJoin('notes', 'notes.id', 'mentions.note_id')
    .innerJoin('conversations', 'conversations.id', 'mentions.conversation_id')
    .innerJoin('patients', 'patients.id', 'conversations.patient_id')
    .selectAll('mentions')
    .select(['notes.body as note_body', 'notes.author_name as note_author_name', 'patients.external_id as patient_external_id', 'patients.name as patient_name'])
    .where('mentions.org_id', '=', orgId)
    .where('mentions.staff_id', '=', staffId);
  if (!includeDismissed) query = query.where('mentions.dismissed_at', 'is', null);
  return query.orderBy('mentions.created_at', 'desc').orderBy('mentions.id', 'desc').limit(limit).execute();
}

/** Dismisses one of the caller's own mentions; false for anyone else's (or an unknown id). */
export async function dismissMention(db: HubDatabase, orgId: string, staffId: string, id: string, now = Date.now()): Promise<Mention | undefined> {
  const mention = await db.selectFrom('mentions').selectAll().where('org_id', '=', orgId).where('staff_id', '=', staffId).where('id', '=', id).executeTakeFirst();
  if (!mention) return undefined;
  await db.updateTable('mentions').set({ dismissed_at: mention.dismissed_at ?? now }).where('id', '=', id).execute();
  return mention;
}
