// The queries of the retention purge: which closed conversations are past their org's retention,
// and their deletion. Every table that references a conversation does so with ON DELETE CASCADE
// (messages, attachments, read cursors, notes, mentions, and any added later), so deleting the
// conversation row removes them; on SQLite the FTS5 delete triggers take their text out of the
// search index.
import { sql } from 'kysely';
import type { HubDatabase } from '../database.js';
import { dialectOf } from '../dialect.js';

export interface ExpiredConversation {
  id: string;
  patientId: string;
}

/** The orgs that keep closed conversations for a limited time. */
export function orgsWithRetention(db: HubDatabase): Promise<Array<{ id: string; retention_days: number | null }>> {
  return db.selectFrom('orgs').select(['id', 'retention_days']).where('retention_days', 'is not', null).execute();
}

/** The org's closed conversations closed before `closedBefore` and not on legal hold. */
export async function expiredConversations(db: HubDatabase, orgId: string, closedBefore: number, limit: number): Promise<ExpiredConversation[]> {
  const rows = await db
    .selectFrom('conversations')
    .select(['id', 'patient_id'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'closed')
    .where('closed_at', '<', closedBefore)
    .where('legal_hold', '=', 0)
    .orderBy('closed_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, patientId: r.patient_id }));
}

/** The storage keys of the conversations' attachments, to delete their bytes from the blob store. */
export async function attachmentKeysOfConversations(db: HubDatabase, orgId: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('attachments').select('storage_key').where('org_id', '=', orgId).where('conversation_id', 'in', ids).execute();
  return rows.map((r) => r.storage_key);
}

/** Deletes the conversations (their rows cascade) and then the patients left with none. Returns the counts. */
export async function deleteConversations(
  db: HubDatabase,
  orgId: string,
  conversations: readonly ExpiredConversation[],
): Promise<{ conversations: number; messages: number; patients: number }> {
  if (!conversations.length) return { conversations: 0, messages: 0, patients: 0 };
  const ids = conversations.map((c) => c.id);
  const patientIds = [...new Set(conversations.map((c) => c.patientId))];
  return db.transaction().execute(async (trx) => {
    const counted = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('org_id', '=', orgId)
      .where('conversation_id', 'in', ids)
      .executeTakeFirstOrThrow();
    const deleted = await trx.deleteFrom('conversations').where('org_id', '=', orgId).where('id', 'in', ids).executeTakeFirst();
    // A patient with no conversation left is only a name: it goes too (and out of the name index).
    const patients = await trx
      .deleteFrom('patients')
      .where('org_id', '=', orgId)
      .where('id', 'in', patientIds)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('conversations').select('id').whereRef('conversations.patient_id', '=', 'patients.id'))))
      .executeTakeFirst();
    // Records merged into a patient who is gone now hold nothing but a name and a phone: gone too.
    const merged = await trx.deleteFrom('patients').where('org_id', '=', orgId).where('merged_into', 'in', patientIds).executeTakeFirst();
    // A shared phone no patient is on any more, and a primary who is gone, are not kept either.
    await trx
      .deleteFrom('contacts')
      .where('org_id', '=', orgId)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('patients').select('id').whereRef('patients.contact_id', '=', 'contacts.id'))))
      .execute();
    await trx
      .updateTable('contacts')
      .set({ primary_patient_id: null })
      .where('org_id', '=', orgId)
      .where('primary_patient_id', 'in', patientIds)
      .execute();
    return { conversations: Number(deleted.numDeletedRows), messages: Number(counted.n), patients: Number(patients.numDeletedRows) + Number(merged.numDeletedRows) };
  });
}

/**
 * SQLite: an FTS5 delete only adds a tombstone segment; the deleted words stay in the older
 * segments until they are merged. 'optimize' merges every segment into one, so a purged word
 * leaves the file (and secure_delete zeroes the freed pages). PostgreSQL: nothing here (see
 * docs/retention.md: a deleted row's bytes stay in the data files until VACUUM reuses them).
 */
export async function compactSearchIndex(db: HubDatabase): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  for (const fts of ['messages_search', 'patients_search']) await sql.raw(`insert into ${fts}(${fts}) values ('optimize')`).execute(db);
}

/** The org's retention in days (null = forever); undefined for an unknown org. */
export async function getRetention(db: HubDatabase, orgId: string): Promise<{ days: number | null } | undefined> {
  const row = await db.selectFrom('orgs').select('retention_days').where('id', '=', orgId).executeTakeFirst();
  return row && { days: row.retention_days === null ? null : Number(row.retention_days) };
}

/** Sets the org's retention; false for an unknown org. */
export async function setRetention(db: HubDatabase, orgId: string, days: number | null): Promise<boolean> {
  const result = await db.updateTable('orgs').set({ retention_days: days }).where('id', '=', orgId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Puts the conversation on legal hold or takes it off; false when the org has no such conversation. */
export async function setLegalHold(db: HubDatabase, orgId: string, conversationId: string, hold: boolean): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ legal_hold: hold ? 1 : 0 })
    .where('org_id', '=', orgId)
    .where('id', '=', conversationId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
