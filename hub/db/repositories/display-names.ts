// The name patients see for a staff member: per conversation, else their own default, else the
// name their token carries. Also what a staff message needs to know before it is stored.
import type { HubDatabase } from '../database.js';

export async function setOwnDisplayName(db: HubDatabase, orgId: string, staffId: string, name: string | null): Promise<boolean> {
  const result = await db.updateTable('staff').set({ display_name: name }).where('org_id', '=', orgId).where('id', '=', staffId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The caller's name in one conversation (of the org: the caller checked it); null removes it. */
export async function setConversationDisplayName(db: HubDatabase, conversationId: string, staffId: string, name: string | null): Promise<void> {
  if (name === null) {
    await db.deleteFrom('display_names').where('conversation_id', '=', conversationId).where('staff_id', '=', staffId).execute();
    return;
  }
  await db
    .insertInto('display_names')
    .values({ conversation_id: conversationId, staff_id: staffId, name })
    .onConflict((oc) => oc.columns(['conversation_id', 'staff_id']).doUpdateSet({ name }))
    .execute();
}

export async function displayNamesOf(db: HubDatabase, orgId: string, conversationId: string, staffId: string): Promise<{ own: string | null; conversation: string | null }> {
  const row = await db
    .selectFrom('staff')
    .select((eb) => [
      'staff.display_name as own',
      eb.selectFrom('display_names').select('display_names.name').where('display_names.conversation_id', '=', conversationId).whereRef('display_names.staff_id', '=', 'staff.id').as('conversation'),
    ])
    .where('staff.org_id', '=', orgId)
    .where('staff.id', '=', staffId)
    .executeTakeFirst();
  return { own: row?.own ?? null, conversation: row?.conversation ?? null };
}

/**
 * What a staff message into a patient's thread needs, in one query: whether the patient opted
 * out, and the name patients see for the author there (null: the token's name).
 */
export async function staffMessageContext(
  db: HubDatabase,
  orgId: string,
  thread: string,
  conversationId: string,
  staffId: string,
): Promise<{ optedOut: boolean; displayName: string | null }> {
  const row = await db
    .selectFrom('patients')
    .select((eb) => [
      'patients.opted_out_at',
      eb.selectFrom('display_names').select('display_names.name').where('display_names.conversation_id', '=', conversationId).where('display_names.staff_id', '=', staffId).as('conversation_name'),
      eb.selectFrom('staff').select('staff.display_name').where('staff.org_id', '=', orgId).where('staff.id', '=', staffId).as('own_name'),
    ])
    .where('patients.org_id', '=', orgId)
    .where('patients.external_id', '=', thread)
    .executeTakeFirst();
  return { optedOut: row?.opted_out_at != null, displayName: row?.conversation_name ?? row?.own_name ?? null };
}
