// Conversations: one per patient and channel, re-opened by a new message.
import { nanoid } from 'nanoid';
import type { HubDatabase } from '../database.js';
import type { Conversation } from '../tables.js';

/** The patient's conversation, created (open) if there is none yet. */
export async function getOrCreateConversation(
  db: HubDatabase,
  orgId: string,
  patientId: string,
  visit: string | null,
  now = Date.now(),
): Promise<Conversation> {
  const existing = await findPatientConversation(db, orgId, patientId);
  if (existing) return existing;
  await db
    .insertInto('conversations')
    .values({
      id: `cnv_${nanoid(12)}`,
      org_id: orgId,
      patient_id: patientId,
      channel: 'chat',
      status: 'open',
      assignee_staff_id: null,
      assignee_list_id: null,
      visit,
      last_inbound_at: null,
      last_outbound_at: null,
      // The inbox sorts by last activity; a conversation's first is its creation.
      last_message_at: now,
      created_at: now,
      updated_at: now,
    })
    // Another socket of the same patient may have created it meanwhile.
    .onConflict((oc) => oc.columns(['org_id', 'patient_id', 'channel']).doNothing())
    .execute();
  return (await findPatientConversation(db, orgId, patientId))!;
}

/** The patient's conversation if there is one (never creates). */
export function findPatientConversation(db: HubDatabase, orgId: string, patientId: string): Promise<Conversation | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('patient_id', '=', patientId)
    .where('channel', '=', 'chat')
    .executeTakeFirst();
}

export function getConversation(db: HubDatabase, orgId: string, id: string): Promise<Conversation | undefined> {
  return db.selectFrom('conversations').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listConversations(db: HubDatabase, orgId: string, filter: { status?: 'open' | 'closed'; patientId?: string; limit?: number } = {}) {
  let query = db
    .selectFrom('conversations')
    .innerJoin('patients', 'patients.id', 'conversations.patient_id')
    .selectAll('conversations')
    .select(['patients.external_id as patient_external_id', 'patients.name as patient_name'])
    .where('conversations.org_id', '=', orgId);
  if (filter.status) query = query.where('conversations.status', '=', filter.status);
  if (filter.patientId) query = query.where('conversations.patient_id', '=', filter.patientId);
  return query.orderBy('conversations.updated_at', 'desc').limit(filter.limit ?? 100).execute();
}

/** Relay mode: a conversation vanishes with its messages when its last participant leaves. */
export async function deleteConversation(db: HubDatabase, orgId: string, id: string): Promise<void> {
  await db.deleteFrom('conversations').where('org_id', '=', orgId).where('id', '=', id).execute();
}

/**
 * The patients (external ids) of the org's open conversations whose patient spoke last, most
 * recent first: on resume a care-team client gets these even if the patient is gone, so a
 * message written while no clinician was connected is never missed.
 */
export async function awaitingReply(db: HubDatabase, orgId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('patients', 'patients.id', 'conversations.patient_id')
    .select('patients.external_id')
    .where('conversations.org_id', '=', orgId)
    .where('conversations.status', '=', 'open')
    .where('conversations.last_author_kind', '=', 'patient')
    .orderBy('conversations.last_message_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.external_id);
}

/**
 * Ends the chat of the conversation's current visit (see `onEnd`): sending in it is refused
 * from now on. Answers the visit key ended ('' for a chat without a visit), or undefined when
 * there is no such conversation.
 */
export async function endVisitChat(db: HubDatabase, orgId: string, id: string, now = Date.now()): Promise<string | undefined> {
  const row = await db
    .updateTable('conversations')
    .set((eb) => ({ ended_visit: eb.fn.coalesce('visit', eb.val('')), ended_at: now, updated_at: now }))
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning('ended_visit')
    .executeTakeFirst();
  return row ? (row.ended_visit ?? '') : undefined;
}

/** The storage keys of a conversation's attachments (relay mode deletes the files with it). */
export async function attachmentKeysOf(db: HubDatabase, orgId: string, conversationId: string): Promise<string[]> {
  const rows = await db.selectFrom('attachments').select('storage_key').where('org_id', '=', orgId).where('conversation_id', '=', conversationId).execute();
  return rows.map((r) => r.storage_key);
}
