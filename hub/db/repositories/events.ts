// The timeline's events (staff only): system events the hub records as it acts, and the
// vendor's call summaries and emails. No patient-facing query reads this table.
import { nanoid } from 'nanoid';
import type { TimelineEvent } from '../../../protocol/timeline.js';
import type { HubDatabase } from '../database.js';
import type { TimelineEventRow } from '../tables.js';

export type EventFields = Omit<TimelineEvent, 'id' | 'conversation' | 'kind' | 'at' | 'by'>;

export interface EventInput {
  orgId: string;
  conversationId: string;
  kind: TimelineEvent['kind'];
  by: TimelineEvent['by'];
  fields?: EventFields;
  /** The vendor's id: an event resent with the same id is stored once. */
  sourceId?: string;
  at?: number;
}

/** Stores an event; with a `sourceId` already stored, answers the stored one (`duplicate`). */
export async function addEvent(db: HubDatabase, input: EventInput, now = Date.now()): Promise<{ event: TimelineEvent; duplicate: boolean }> {
  if (input.sourceId !== undefined) {
    const existing = await db
      .selectFrom('events')
      .selectAll()
      .where('org_id', '=', input.orgId)
      .where('conversation_id', '=', input.conversationId)
      .where('source_id', '=', input.sourceId)
      .executeTakeFirst();
    if (existing) return { event: eventJson(existing), duplicate: true };
  }
  const row: TimelineEventRow = {
    id: `evt_${nanoid(14)}`,
    org_id: input.orgId,
    conversation_id: input.conversationId,
    kind: input.kind,
    actor_kind: input.by?.kind === 'list' ? null : (input.by?.kind ?? null),
    actor_id: input.by?.id ?? null,
    actor_name: input.by?.name ?? null,
    source_id: input.sourceId ?? null,
    detail: input.fields && Object.keys(input.fields).length ? JSON.stringify(input.fields) : null,
    at: input.at ?? now,
  };
  await db.insertInto('events').values(row).execute();
  return { event: eventJson(row), duplicate: false };
}

/** A conversation's events, oldest first. */
export async function eventsOf(db: HubDatabase, orgId: string, conversationId: string, limit = 1000): Promise<TimelineEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('org_id', '=', orgId).where('conversation_id', '=', conversationId).orderBy('at').orderBy('id').limit(limit).execute();
  return rows.map(eventJson);
}

export function eventJson(row: TimelineEventRow): TimelineEvent {
  const fields = row.detail ? (JSON.parse(row.detail) as EventFields) : {};
  return {
    ...fields,
    id: row.id,
    conversation: row.conversation_id,
    kind: row.kind as TimelineEvent['kind'],
    at: Number(row.at),
    by: row.actor_name === null ? null : { kind: row.actor_kind ?? 'system', ...(row.actor_id !== null && { id: row.actor_id }), name: row.actor_name },
  };
}
