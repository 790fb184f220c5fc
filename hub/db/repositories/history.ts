// Conversation history as a reader sees it: messages with their authors' external ids (the ids
// the widget knows people by), one page at a time.
import type { HubDatabase } from '../database.js';
import type { Message } from '../tables.js';

export interface MessageWithAuthor extends Message {
  /** The author's external id; null for system messages (or an author since deleted). */
  author_external_id: string | null;
}

export function messagePage(db: HubDatabase, orgId: string, conversationId: string, afterSeq: number, limit: number): Promise<MessageWithAuthor[]> {
  return db
    .selectFrom('messages')
    .leftJoin('patients', (join) =>
      join.onRef('patients.id', '=', 'messages.author_id').on('messages.author_kind', '=', 'patient').onRef('patients.org_id', '=', 'messages.org_id'),
    )
    .leftJoin('staff', (join) =>
      join.onRef('staff.id', '=', 'messages.author_id').on('messages.author_kind', '=', 'staff').onRef('staff.org_id', '=', 'messages.org_id'),
    )
    .selectAll('messages')
    .select((eb) => eb.fn.coalesce('patients.external_id', 'staff.external_id').as('author_external_id'))
    .where('messages.org_id', '=', orgId)
    .where('messages.conversation_id', '=', conversationId)
    .where('messages.seq', '>', afterSeq)
    .orderBy('messages.seq')
    .limit(limit)
    .execute();
}
