// The rules of a conversation as staff see it, without a database or a socket: what a new
// message, closing, reopening, claiming, assigning, ending a visit and reading do to it, and
// what staff are shown (unread, unresponded, ended). Repositories apply these as single
// conditional statements, so several hubs agree without a lock of their own.
import type { Conversation, ReadCursor } from '../db/tables.js';

/** How much of a message the inbox row shows. */
export const PREVIEW_CHARS = 140;

export type AuthorKind = 'patient' | 'staff' | 'system';

/** The fields of a conversation the rules read and write. */
export type ConversationState = Pick<
  Conversation,
  | 'status'
  | 'assignee_staff_id'
  | 'assignee_list_id'
  | 'claimed_by_staff_id'
  | 'claimed_at'
  | 'closed_at'
  | 'visit'
  | 'ended_visit'
  | 'ended_at'
  | 'last_author_kind'
  | 'last_preview'
  | 'last_message_at'
  | 'last_inbound_at'
  | 'last_inbound_seq'
  | 'last_outbound_at'
>;

export type Patch = Partial<ConversationState>;

/** The key under which a visit's chat is ended: the visit id, or '' for a chat without one. */
export function visitKey(visit: string | null | undefined): string {
  return visit ?? '';
}

/** Whether sending in the conversation's current visit is over (for both sides, across reloads). */
export function isEnded(state: Pick<ConversationState, 'visit' | 'ended_visit'>): boolean {
  return state.ended_visit != null && state.ended_visit === visitKey(state.visit);
}

/**
 * A patient arriving with a visit other than the conversation's starts a new visit: it may
 * write again even if the last visit's chat was ended. Undefined when nothing changes.
 */
export function onVisit(state: Pick<ConversationState, 'visit'>, visit: string | undefined): Patch | undefined {
  if (visit === undefined || visit === state.visit) return undefined;
  return { visit };
}

/**
 * A stored message. Any message re-opens a closed conversation (a patient writing again is
 * never left in History); a patient's makes it wait for an answer and unread for every staff
 * member (the repository records its seq as `last_inbound_seq`, in the statement that
 * assigns it), a staff member's answers it.
 */
export function onMessage(author: AuthorKind, text: string, at: number): Patch {
  return {
    status: 'open',
    closed_at: null,
    last_author_kind: author,
    last_preview: preview(text),
    last_message_at: at,
    ...(author === 'patient' ? { last_inbound_at: at } : { last_outbound_at: at }),
  };
}

/** Closing (resolving) moves the conversation out of every open list for the whole team; the claim ends with it. */
export function onClose(at: number): Patch {
  return { status: 'closed', closed_at: at, claimed_by_staff_id: null, claimed_at: null };
}

/** Reopening brings it back to the open lists; a chat that was ended for the visit may be written in again. */
export function onReopen(): Patch {
  return { status: 'open', closed_at: null, ended_visit: null, ended_at: null };
}

/** Ending the visit's chat stops sending in it; the conversation itself stays as it is. */
export function onEnd(state: Pick<ConversationState, 'visit'>, at: number): Patch {
  return { ended_visit: visitKey(state.visit), ended_at: at };
}

export type ClaimOutcome = { ok: true; patch: Patch } | { ok: false; claimedBy: string };

/**
 * "I'm handling this": the first claimer wins; a claim by the holder again is a no-op win.
 * Under concurrency the repository makes this one conditional update, so exactly one wins.
 */
export function claim(state: Pick<ConversationState, 'claimed_by_staff_id'>, staffId: string, at: number): ClaimOutcome {
  if (state.claimed_by_staff_id && state.claimed_by_staff_id !== staffId) return { ok: false, claimedBy: state.claimed_by_staff_id };
  return { ok: true, patch: { claimed_by_staff_id: staffId, claimed_at: at } };
}

export type Assignee = { kind: 'staff'; id: string } | { kind: 'list'; id: string } | { kind: 'none' };

/** Assigning to a person or a list (or to nobody: Unassigned). A conversation has one assignee at a time. */
export function assign(to: Assignee): Patch {
  return {
    assignee_staff_id: to.kind === 'staff' ? to.id : null,
    assignee_list_id: to.kind === 'list' ? to.id : null,
  };
}

export function assigneeOf(state: Pick<ConversationState, 'assignee_staff_id' | 'assignee_list_id'>): Assignee {
  if (state.assignee_staff_id) return { kind: 'staff', id: state.assignee_staff_id };
  if (state.assignee_list_id) return { kind: 'list', id: state.assignee_list_id };
  return { kind: 'none' };
}

/** The patient spoke last and no one has answered. */
export function isUnresponded(state: Pick<ConversationState, 'last_author_kind'>): boolean {
  return state.last_author_kind === 'patient';
}

/**
 * Unread for one staff member: they marked it unread, or a patient message came after what
 * they have read (their own and colleagues' messages never make it unread).
 */
export function isUnreadFor(
  state: Pick<ConversationState, 'last_inbound_seq'>,
  cursor: Pick<ReadCursor, 'read_seq' | 'marked_unread'> | undefined,
): boolean {
  if (cursor?.marked_unread) return true;
  return Number(state.last_inbound_seq ?? 0) > Number(cursor?.read_seq ?? 0);
}

/** "My Inbox": assigned to me, or to a list I am in. */
export function isMine(state: Pick<ConversationState, 'assignee_staff_id' | 'assignee_list_id'>, staffId: string, myLists: ReadonlySet<string>): boolean {
  return state.assignee_staff_id === staffId || (state.assignee_list_id != null && myLists.has(state.assignee_list_id));
}

/** The inbox row's preview: whitespace collapsed, cut at a word near the limit. */
export function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= PREVIEW_CHARS) return flat;
  const cut = flat.slice(0, PREVIEW_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > PREVIEW_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
