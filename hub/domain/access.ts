// Who may see a conversation: any staff member of its org, or the patient it belongs to.
// Everything else, another org's ids included, is "not found": the answer never tells a
// prober that an id exists somewhere.
import { requirePermission } from '../auth/permissions.js';
import type { Identity } from '../auth/identity.js';
import type { HubDatabase } from '../db/database.js';
import { audit } from '../db/repositories/audit.js';
import { getConversation } from '../db/repositories/conversations.js';
import type { Conversation } from '../db/tables.js';

export function canSee(identity: Identity, conversation: Conversation): boolean {
  if (conversation.org_id !== identity.orgId) return false;
  return identity.kind === 'staff' || conversation.patient_id === identity.id;
}

export async function visibleConversation(db: HubDatabase, identity: Identity, id: string): Promise<Conversation | undefined> {
  const conversation = await getConversation(db, identity.orgId, id);
  return conversation && canSee(identity, conversation) ? conversation : undefined;
}

/** Staff reads of patient data are audited (ids and counts only); a patient reading their own chat is not. */
export async function auditStaffRead(
  db: HubDatabase,
  identity: Identity,
  action: string,
  subject: { type: string; id: string },
  detail?: Record<string, string | number | boolean>,
): Promise<void> {
  if (identity.kind !== 'staff') return;
  await audit(db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action, subject, ...(detail && { detail }) });
}

/**
 * Who may act in a thread over the socket (write, mark read, type, end): a patient only in
 * their own thread; staff in any thread of their org (the thread's patient is looked up in
 * the token's org, so another org's thread is simply not found). The same rule as `canSee`,
 * said in threads, which is how the socket names conversations.
 */
export function mayActIn(identity: Identity, thread: string): boolean {
  return identity.kind === 'staff' || thread === identity.externalId;
}

/** Patients read their own chat; staff read the org's chats if their role grants `chats.read` (403 otherwise). */
export function requireReader(identity: Identity): void {
  if (identity.kind === 'staff') requirePermission(identity, 'chats.read');
}
