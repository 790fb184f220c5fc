// Messages and their attachments. Storing assigns the per-conversation sequence number in the
// same transaction, and the (conversation, author, client id) key makes a resend a no-op.
import { nanoid } from 'nanoid';
import { sql, type Transaction } from 'kysely';
import type { HubDatabase } from '../database.js';
import type { Attachment, Database, Message } from '../tables.js';
import { onMessage, visitKey } from '../../domain/conversation-state.js';

export interface MessageInput {
  orgId: string;
  conversationId: string;
  clientId: string;
  authorKind: 'patient' | 'staff' | 'system';
  authorId: string;
  authorName: string;
  body: string;
  sentAt: number;
  attachments: ReadonlyArray<{ clientId: string; name: string; mime: string; size: number; storageKey: string }>;
  /** A patient's visit (from the token): a visit other than the conversation's starts a new one. */
  visit?: string;
}

/** The message was not stored: the chat of the conversation's visit has ended. */
export interface EndedRefusal {
  ended: true;
}

export interface StoredMessage {
  ended?: undefined;
  message: Message;
  attachments: Attachment[];
  /** True when this client id was already stored: nothing new was written. */
  duplicate: boolean;
  /**
   * What storing it did to the conversation: re-opened it (it was closed), began a new visit.
   * Messages stored in the same millisecond after the one that did it say so too; the timeline
   * records each change once.
   */
  changes?: { reopened: boolean; visitStarted: boolean };
}

/**
 * Stores one message inside an open transaction (the writer batches several per commit).
 * The conversation row's UPDATE … RETURNING last_seq both assigns the seq and locks the row
 * until commit, so hubs writing to one conversation at once take turns. The unique
 * (conversation, author, client id) key decides a resend that races another hub: the insert
 * does nothing, the seq taken for it is given back (the lock is still ours), and the stored
 * message is read back.
 */
export async function storeMessageIn(trx: Transaction<Database>, input: MessageInput, now = Date.now()): Promise<StoredMessage | EndedRefusal> {
  const existing = await findMessageIn(trx, input);
  if (existing) return existing;
  const inbound = input.authorKind === 'patient';
  const text = input.body.trim() ? input.body : input.attachments.map((a) => a.name).join(', ');
  const conversation = await trx
    .updateTable('conversations')
    .set((eb) => ({
      ...onMessage(input.authorKind, text, now),
      last_seq: eb('last_seq', '+', 1),
      updated_at: now,
      ...(inbound && { last_inbound_seq: eb('last_seq', '+', 1) }),
      ...(input.visit !== undefined && { visit: input.visit }),
      // SET reads the row as it was: these record, in this one statement, that the message
      // re-opened a closed conversation or began a new visit (the timeline shows both).
      reopened_at: sql<number | null>`case when status = 'closed' then ${now} else reopened_at end`,
      ...(input.visit !== undefined && { visit_started_at: sql<number | null>`case when visit is null or visit <> ${input.visit} or visit_started_at is null then ${now} else visit_started_at end` }),
    }))
    .where('id', '=', input.conversationId)
    .where('org_id', '=', input.orgId)
    // Not into a visit whose chat has ended (the visit this message is for: the patient's, or the conversation's).
    .where((eb) =>
      eb.or([
        eb('ended_visit', 'is', null),
        eb('ended_visit', '!=', input.visit !== undefined ? eb.val(visitKey(input.visit)) : eb.fn.coalesce('visit', eb.val(''))),
      ]),
    )
    .returning(['last_seq', 'reopened_at', 'visit_started_at'])
    .executeTakeFirst();
  if (!conversation) return { ended: true };
  const changes = { reopened: Number(conversation.reopened_at) === now, visitStarted: input.visit !== undefined && Number(conversation.visit_started_at) === now };
  const message: Message = {
    id: `msg_${nanoid(14)}`,
    org_id: input.orgId,
    conversation_id: input.conversationId,
    seq: Number(conversation.last_seq),
    client_id: input.clientId,
    author_kind: input.authorKind,
    author_id: input.authorId,
    author_name: input.authorName,
    body: input.body,
    sent_at: input.sentAt,
    created_at: now,
  };
  const inserted = await trx
    .insertInto('messages')
    .values(message)
    .onConflict((oc) => oc.columns(['conversation_id', 'author_id', 'client_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    await trx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '-', 1) }))
      .where('id', '=', input.conversationId)
      .execute();
    const stored = await findMessageIn(trx, input);
    if (!stored) throw new Error('a message with this client id conflicted but cannot be read back');
    return stored;
  }
  const attachments: Attachment[] = input.attachments.map((a) => ({
    id: `att_${nanoid(14)}`,
    org_id: input.orgId,
    conversation_id: input.conversationId,
    message_id: message.id,
    client_id: a.clientId,
    name: a.name,
    mime: a.mime,
    size: a.size,
    storage_key: a.storageKey,
    created_at: now,
  }));
  if (attachments.length) await trx.insertInto('attachments').values(attachments).execute();
  return { message, attachments, duplicate: false, changes };
}

async function findMessageIn(trx: Transaction<Database>, input: MessageInput): Promise<StoredMessage | undefined> {
  const existing = await trx
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', input.conversationId)
    .where('author_id', '=', input.authorId)
    .where('client_id', '=', input.clientId)
    .executeTakeFirst();
  if (!existing) return undefined;
  const attachments = await trx.selectFrom('attachments').selectAll().where('message_id', '=', existing.id).execute();
  return { message: existing, attachments, duplicate: true };
}

/** The message an author already stored under a client id, if any: a resend is acked, not stored again. */
export function storedMessage(db: HubDatabase, orgId: string, conversationId: string, authorId: string, clientId: string): Promise<Message | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('conversation_id', '=', conversationId)
    .where('author_id', '=', authorId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

export function attachmentsOf(db: HubDatabase, orgId: string, messageIds: readonly string[]): Promise<Attachment[]> {
  if (messageIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachments').selectAll().where('org_id', '=', orgId).where('message_id', 'in', messageIds).execute();
}

export function getAttachment(db: HubDatabase, orgId: string, id: string): Promise<Attachment | undefined> {
  return db.selectFrom('attachments').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** The highest sequence number among messages with these client ids (receipts name client ids). */
export async function maxSeqOf(db: HubDatabase, orgId: string, conversationId: string, clientIds: readonly string[]): Promise<number> {
  if (clientIds.length === 0) return 0;
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('org_id', '=', orgId)
    .where('conversation_id', '=', conversationId)
    .where('client_id', 'in', clientIds)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export async function countMessages(db: HubDatabase, orgId: string, conversationId?: string): Promise<number> {
  let query = db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', orgId);
  if (conversationId) query = query.where('conversation_id', '=', conversationId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}
