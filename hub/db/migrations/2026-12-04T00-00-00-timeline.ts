// The timeline's events: system events (assigned, claimed, closed, reopened, opted out, merged,
// visit started and ended, hand-off) and the vendor's call summaries and emails, per
// conversation. Frozen: change the schema in a new migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    // The vendor's id for an event it adds (a resent one is stored once); null for system events.
    .addColumn('source_id', 'text')
    // JSON: who it went to, the visit, a call's outcome or an email's subject. Never logged.
    .addColumn('detail', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('events_source', ['conversation_id', 'source_id'])
    .execute();
  // Set by the statement that stores a message, from the row as it was: the message re-opened
  // the conversation, or began a new visit. The timeline's events for both come from these.
  await db.schema.alterTable('conversations').addColumn('reopened_at', 'bigint').execute();
  await db.schema.alterTable('conversations').addColumn('visit_started_at', 'bigint').execute();
  await db.schema.createIndex('events_conversation').on('events').columns(['conversation_id', 'at']).execute();
}
