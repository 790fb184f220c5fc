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

export async function setConversationStatus(db: HubDatabase, orgId: string, id: string, status: 'open' | 'closed', now = Date.now()): Promise<boolean> {
  const result = await db.updateTable('conversations').set({ status, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Relay mode: a conversation vanishes with its messages when its last participant leaves. */
export async function deleteConversation(db: HubDatabase, orgId: string, id: string): Promise<void> {
  await db.deleteFrom('conversations').where('org_id', '=', orgId).where('id', '=', id).execute();
}
