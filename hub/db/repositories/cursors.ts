// Read and delivery cursors per participant: they only move forward.
import type { HubDatabase } from '../database.js';
import { dialectOf } from '../dialect.js';
import type { ReadCursor } from '../tables.js';

export async function advanceCursor(
  db: HubDatabase,
  conversationId: string,
  participant: { kind: 'patient' | 'staff'; id: string },
  to: { delivered?: number; read?: number },
  now = Date.now(),
): Promise<void> {
  const delivered = Math.max(to.delivered ?? 0, to.read ?? 0);
  const read = to.read ?? 0;
  // The larger of two values: SQLite's two-argument max(), PostgreSQL's greatest().
  const larger = dialectOf(db) === 'postgres' ? 'greatest' : 'max';
  await db
    .insertInto('read_cursors')
    .values({ conversation_id: conversationId, participant_kind: participant.kind, participant_id: participant.id, delivered_seq: delivered, read_seq: read, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['conversation_id', 'participant_kind', 'participant_id']).doUpdateSet((eb) => ({
        delivered_seq: eb.fn(larger, [eb.ref('read_cursors.delivered_seq'), eb.val(delivered)]),
        read_seq: eb.fn(larger, [eb.ref('read_cursors.read_seq'), eb.val(read)]),
        // Reading the conversation again ends a *mark unread*.
        ...(read > 0 && { marked_unread: 0 }),
        updated_at: now,
      })),
    )
    .execute();
}

export function cursorsOf(db: HubDatabase, conversationId: string): Promise<ReadCursor[]> {
  return db.selectFrom('read_cursors').selectAll().where('conversation_id', '=', conversationId).execute();
}
