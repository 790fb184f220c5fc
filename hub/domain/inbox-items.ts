// Inbox rows as the wire carries them (protocol/inbox.ts), and the page cursor: the sort key
// of the last row, opaque to clients.
import type { InboxEntry, InboxItem, InboxMark } from '../../protocol/inbox.js';
import type { InboxCursor, InboxRow } from '../db/repositories/inbox.js';
import { isEnded, isUnreadFor } from './conversation-state.js';

export function inboxItem(row: InboxRow): InboxItem {
  return {
    id: row.id,
    thread: row.patient_external_id,
    patient: { name: row.patient_name, location: row.location_id },
    status: row.status,
    assignee: row.assignee_staff_id ? { kind: 'staff', id: row.assignee_staff_id } : row.assignee_list_id ? { kind: 'list', id: row.assignee_list_id } : null,
    claimedBy: row.claimed_by_staff_id,
    urgency: row.urgency,
    ended: isEnded(row),
    optedOutAt: row.opted_out_at == null ? null : Number(row.opted_out_at),
    lastAuthor: row.last_author_kind,
    preview: row.last_preview,
    lastMessageAt: row.last_message_at,
    lastSeq: row.last_seq,
    lastInboundSeq: row.last_inbound_seq ?? 0,
    closedAt: row.closed_at,
    legalHold: row.legal_hold === 1,
    createdAt: row.created_at,
  };
}

export function inboxMark(row: InboxRow): InboxMark {
  return { readSeq: row.read_seq ?? 0, markedUnread: row.marked_unread === 1, mentions: row.open_mentions };
}

export function inboxEntry(row: InboxRow): InboxEntry {
  return { ...inboxItem(row), unread: isUnreadFor(row, { read_seq: row.read_seq ?? 0, marked_unread: row.marked_unread ?? 0 }), mark: inboxMark(row) };
}

export function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.urgency, cursor.at, cursor.id])).toString('base64url');
}

/** The cursor a page answered with, or undefined for anything that is not one (a client cannot forge a query through it). */
export function decodeCursor(text: string): InboxCursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 3) return undefined;
    const [urgency, at, id] = value as unknown[];
    if (!Number.isInteger(urgency) || !Number.isInteger(at) || typeof id !== 'string' || id.length > 64) return undefined;
    return { urgency: urgency as number, at: at as number, id };
  } catch {
    return undefined;
  }
}
