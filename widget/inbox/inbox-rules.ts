// The inbox's rules as a client applies them to live frames: whether a conversation belongs
// in the filtered list, where it sorts, whether it is unread for me. The hub's queries
// (hub/db/repositories/inbox.ts) answer the same questions for a page; these keep a loaded
// page true between pages without asking again.
import type { InboxEntry, InboxItem, InboxMark } from '../../protocol/inbox.js';
import type { InboxFilters } from './inbox-api.js';

/** Who is looking: my staff id and the lists I am in. */
export interface Me {
  id: string;
  lists: ReadonlySet<string>;
}

/** Unread for me: I marked it so, or the patient wrote after what I have read. */
export function isUnread(item: Pick<InboxItem, 'lastInboundSeq'>, mark: InboxMark): boolean {
  return mark.markedUnread || item.lastInboundSeq > mark.readSeq;
}

export function entryOf(item: InboxItem, mark: InboxMark): InboxEntry {
  return { ...item, mark, unread: isUnread(item, mark) };
}

export function isMine(item: Pick<InboxItem, 'assignee'>, me: Me): boolean {
  const a = item.assignee;
  return a !== null && (a.kind === 'staff' ? a.id === me.id : me.lists.has(a.id));
}

/**
 * Whether a conversation belongs in a list under these filters. A search (`q`) cannot be
 * decided here: undefined says "only the hub knows".
 */
export function matches(entry: InboxEntry, filters: InboxFilters, me: Me): boolean | undefined {
  if (entry.status !== (filters.status ?? 'open')) return false;
  if (filters.unread && !entry.unread) return false;
  if (filters.unresponded && entry.lastAuthor !== 'patient') return false;
  if (filters.mine && !isMine(entry, me)) return false;
  if (filters.unassigned && entry.assignee !== null) return false;
  if (filters.list && !(entry.assignee?.kind === 'list' && entry.assignee.id === filters.list)) return false;
  if (filters.mentions && entry.mark.mentions === 0) return false;
  if (filters.location && entry.patient.location !== filters.location) return false;
  return filters.q ? undefined : true;
}

/** The hub's order: most urgent first, then the most recent activity, then id (descending). */
export function compareEntries(a: InboxItem, b: InboxItem): number {
  return b.urgency - a.urgency || (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
