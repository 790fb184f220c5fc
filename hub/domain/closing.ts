// Closing a conversation as a staff member: stored, audited (ids only), recorded in the timeline
// once (closing a closed one records nothing new) and announced to every staff screen. The close
// route and close-and-email both come through here.
import type { Identity } from '../auth/identity.js';
import type { HubDatabase } from '../db/database.js';
import { audit } from '../db/repositories/audit.js';
import { closeConversation } from '../db/repositories/inbox.js';
import type { Conversation } from '../db/tables.js';
import type { InboxLive } from '../realtime/inbox-live.js';
import { Timeline, staffWho } from './timeline.js';

export async function closeAs(db: HubDatabase, live: InboxLive, by: Identity, conversation: Conversation, now = Date.now()): Promise<void> {
  await closeConversation(db, by.orgId, conversation.id, now);
  await audit(db, { orgId: by.orgId, actor: { kind: 'staff', id: by.id }, action: 'conversation.close', subject: { type: 'conversation', id: conversation.id } }, now);
  if (conversation.status !== 'closed') await new Timeline(db, live).record({ orgId: by.orgId, conversationId: conversation.id, kind: 'closed', by: staffWho(by), at: now });
  await live.changed(by.orgId, conversation.id);
}
