// The shared inbox: what staff see of a conversation (claim, close, last message, a visit's
// chat ended), per-staff unread marks, internal notes and their @mentions, and who is told
// about Unassigned messages. Frozen: change the schema in a new migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const [column, type] of [
    // The visit whose chat was ended ('' for a chat without a visit): sending in it is refused until a new visit starts.
    ['ended_visit', 'text'],
    ['ended_at', 'bigint'],
    ['claimed_by_staff_id', 'text'],
    ['claimed_at', 'bigint'],
    ['closed_at', 'bigint'],
    // Who spoke last: 'patient' means the conversation waits for an answer (unresponded).
    ['last_author_kind', 'text'],
    // The start of the last message, for the inbox row. Never logged.
    ['last_preview', 'text'],
    ['last_message_at', 'bigint'],
    // The seq of the patient's last message: unread for a staff member whose read cursor is below it.
    ['last_inbound_seq', 'bigint'],
  ] as const) {
    await db.schema.alterTable('conversations').addColumn(column, type).execute();
  }
  // The inbox sorts by last activity: conversations from before it count from their last update.
  await db.updateTable('conversations').set((eb) => ({ last_message_at: eb.ref('updated_at') })).execute();
  await db.schema.createIndex('conversations_org_inbox').on('conversations').columns(['org_id', 'status', 'urgency', 'last_message_at']).execute();

  // Mark unread: the staff member's own flag, cleared when they read the conversation again.
  await db.schema.alterTable('read_cursors').addColumn('marked_unread', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('staff').addColumn('notify_unassigned', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('author_staff_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    // The sender's idempotency key: a resent note is stored once.
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('notes_idempotency', ['conversation_id', 'author_staff_id', 'client_id'])
    .execute();
  await db.schema.createIndex('notes_conversation').on('notes').columns(['conversation_id', 'created_at']).execute();

  await db.schema
    .createTable('mentions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('note_id', 'text', (c) => c.notNull().references('notes.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    // One staff member mentioned by name, or every member of a list.
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('dismissed_at', 'bigint')
    .addUniqueConstraint('mentions_note_staff', ['note_id', 'staff_id'])
    .execute();
  await db.schema.createIndex('mentions_staff').on('mentions').columns(['org_id', 'staff_id', 'dismissed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mentions').execute();
  await db.schema.dropTable('notes').execute();
  await db.schema.dropIndex('conversations_org_inbox').execute();
  for (const column of ['ended_visit', 'ended_at', 'claimed_by_staff_id', 'claimed_at', 'closed_at', 'last_author_kind', 'last_preview', 'last_message_at', 'last_inbound_seq']) {
    await db.schema.alterTable('conversations').dropColumn(column).execute();
  }
  await db.schema.alterTable('read_cursors').dropColumn('marked_unread').execute();
  await db.schema.alterTable('staff').dropColumn('notify_unassigned').execute();
}
