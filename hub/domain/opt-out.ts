// A patient's opt-out of messages: permanent (no undo), audited with ids only, and announced to
// every staff screen. The one place it happens, so a timeline event can be recorded here too.
import type { Identity } from '../auth/identity.js';
import type { HubDatabase } from '../db/database.js';
import { audit } from '../db/repositories/audit.js';
import { optOutPatient } from '../db/repositories/people.js';
import type { Conversation } from '../db/tables.js';
import type { InboxLive } from '../realtime/inbox-live.js';

/** Opts the conversation's patient out; false (and nothing changed) when they already were. */
export async function optOut(db: HubDatabase, live: InboxLive, by: Identity, conversation: Conversation, now = Date.now()): Promise<boolean> {
  const changed = await optOutPatient(db, by.orgId, conversation.patient_id, now);
  if (!changed) return false;
  await audit(db, { orgId: by.orgId, actor: { kind: 'staff', id: by.id }, action: 'patient.opt-out', subject: { type: 'patient', id: conversation.patient_id }, detail: { conversation: conversation.id } });
  await live.changed(by.orgId, conversation.id);
  return true;
}
