// The conversation rules, without a database or a socket.
import { describe, expect, it } from 'vitest';
import {
  PREVIEW_CHARS,
  assign,
  assigneeOf,
  claim,
  isEnded,
  isMine,
  isUnreadFor,
  isUnresponded,
  onClose,
  onEnd,
  onMessage,
  onReopen,
  onVisit,
  preview,
  type ConversationState,
} from './conversation-state.js';

const base: ConversationState = {
  status: 'open',
  assignee_staff_id: null,
  assignee_list_id: null,
  claimed_by_staff_id: null,
  claimed_at: null,
  closed_at: null,
  visit: 'v1',
  ended_visit: null,
  ended_at: null,
  last_author_kind: null,
  last_preview: null,
  last_message_at: null,
  last_inbound_at: null,
  last_inbound_seq: null,
  last_outbound_at: null,
};
const apply = (state: ConversationState, ...patches: Array<Partial<ConversationState>>) => Object.assign({}, state, ...patches) as ConversationState;

describe('a new message', () => {
  it('from the patient re-opens a closed conversation and leaves it waiting for an answer', () => {
    const closed = apply(base, onClose(10));
    expect(closed.status).toBe('closed');
    const after = apply(closed, onMessage('patient', 'are you there?', 20));
    expect(after).toMatchObject({ status: 'open', closed_at: null, last_author_kind: 'patient', last_inbound_at: 20, last_message_at: 20, last_preview: 'are you there?' });
    expect(isUnresponded(after)).toBe(true);
  });

  it('from staff answers it (no longer unresponded) without touching the inbound time', () => {
    const waiting = apply(base, onMessage('patient', 'hi', 20));
    const answered = apply(waiting, onMessage('staff', 'hello', 30));
    expect(isUnresponded(answered)).toBe(false);
    expect(answered).toMatchObject({ last_inbound_at: 20, last_outbound_at: 30, last_author_kind: 'staff' });
  });
});

describe('unread, per staff member', () => {
  it('is a patient message past what they read, or their own mark', () => {
    const state = { last_inbound_seq: 7 };
    expect(isUnreadFor(state, undefined)).toBe(true);
    expect(isUnreadFor(state, { read_seq: 6, marked_unread: 0 })).toBe(true);
    expect(isUnreadFor(state, { read_seq: 7, marked_unread: 0 })).toBe(false);
    expect(isUnreadFor(state, { read_seq: 7, marked_unread: 1 })).toBe(true);
    // Staff messages alone never make a conversation unread.
    expect(isUnreadFor({ last_inbound_seq: null }, undefined)).toBe(false);
  });
});

describe('closing, reopening and ending', () => {
  it('closing ends the claim; reopening brings it back and lets an ended chat be written in', () => {
    const claimed = apply(base, (claim(base, 'st_a', 5) as { patch: Partial<ConversationState> }).patch);
    const closed = apply(claimed, onClose(10));
    expect(closed).toMatchObject({ status: 'closed', closed_at: 10, claimed_by_staff_id: null });
    const ended = apply(base, onEnd(base, 12));
    expect(isEnded(ended)).toBe(true);
    expect(isEnded(apply(ended, onReopen()))).toBe(false);
  });

  it('ended belongs to the visit: a new visit may write again, the same visit may not', () => {
    const ended = apply(base, onEnd(base, 12));
    expect(onVisit(ended, 'v1')).toBeUndefined();
    expect(onVisit(ended, undefined)).toBeUndefined();
    expect(isEnded(apply(ended, onVisit(ended, 'v2')!))).toBe(false);
    // A chat without a visit ends under the empty key and stays ended.
    const noVisit = apply(base, { visit: null });
    expect(isEnded(apply(noVisit, onEnd(noVisit, 1)))).toBe(true);
  });
});

describe('claim', () => {
  it('the first claimer wins, the holder may claim again, anyone else is told who holds it', () => {
    const won = claim(base, 'st_a', 5);
    expect(won).toEqual({ ok: true, patch: { claimed_by_staff_id: 'st_a', claimed_at: 5 } });
    const held = apply(base, (won as { patch: Partial<ConversationState> }).patch);
    expect(claim(held, 'st_a', 6).ok).toBe(true);
    expect(claim(held, 'st_b', 6)).toEqual({ ok: false, claimedBy: 'st_a' });
  });
});

describe('assignment', () => {
  it('has one assignee at a time: a person, a list or nobody', () => {
    const toList = apply(base, assign({ kind: 'list', id: 'ls_front' }));
    expect(assigneeOf(toList)).toEqual({ kind: 'list', id: 'ls_front' });
    const toPerson = apply(toList, assign({ kind: 'staff', id: 'st_a' }));
    expect(toPerson).toMatchObject({ assignee_staff_id: 'st_a', assignee_list_id: null });
    expect(assigneeOf(apply(toPerson, assign({ kind: 'none' })))).toEqual({ kind: 'none' });
  });

  it('My Inbox is what is assigned to me or to a list I am in', () => {
    const lists = new Set(['ls_front']);
    expect(isMine(apply(base, assign({ kind: 'staff', id: 'st_a' })), 'st_a', lists)).toBe(true);
    expect(isMine(apply(base, assign({ kind: 'list', id: 'ls_front' })), 'st_a', lists)).toBe(true);
    expect(isMine(apply(base, assign({ kind: 'list', id: 'ls_billing' })), 'st_a', lists)).toBe(false);
    expect(isMine(base, 'st_a', lists)).toBe(false);
  });
});

describe('preview', () => {
  it('collapses whitespace and cuts a long text at a word, with an ellipsis', () => {
    expect(preview('  two\n\nlines  ')).toBe('two lines');
    const long = preview('word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual(PREVIEW_CHARS + 1);
    expect(long.endsWith('word…')).toBe(true);
  });
});
