// A patient's opt-out of messages: permanent (no undo), audited with ids only, and announced to
// every staff screen, and recorded in the conversation's timeline. The one place it happens.
import type { Identity } from '../auth/identity.js';
import type { HubDatabase } from '../db/database.js';
import { audit } from '../db/repositories/audit.js';
import { optOutPatient } from '../db/repositories/people.js';
import type { Conversation } from '../db/tables.js';
import type { InboxLive } from '../realtime/inbox-live.js';
import { Timeline, staffWho } from './timeline.js';

/** Opts the conversation's patient out; false (and nothing changed) when they already were. */
export async function optOut(db: HubDatabase, live: InboxLive, by: Identity, conversation: Conversation, now = Date.now()): Promise<boolean> {
  const changed = await optOutPatient(db, by.orgId, conversation.patient_id, now);
  if (!changed) return false;
  await audit(db, { orgId: by.orgId, actor: { kind: 'staff', id: by.id }, action: 'patient.opt-out', subject: { type: 'patient', id: conversation.patient_id }, detail: { conversation: conversation.id } });
  await new Timeline(db, live).record({ orgId: by.orgId, conversationId: conversation.id, kind: 'opted-out', by: staffWho(by), at: now });
  await live.changed(by.orgId, conversation.id);
  return true;
}
