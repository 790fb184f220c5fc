// `resume`: what a client missed, from the database, before any live frame. A patient gets
// their own thread; a care-team client every thread it holds, every patient present now
// (on any hub), and every open conversation waiting for an answer — so a message written
// while no clinician was connected is never missed. Each thread's messages after the seq the
// client holds come in order, page by page, with the receipts the stored cursors say, and
// then `ended` if the thread's visit chat has ended. Live frames are held meanwhile, and the
// copies the replay already carried are dropped when they are released.
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { awaitingReply, getConversation } from '../db/repositories/conversations.js';
import { cursorsOf } from '../db/repositories/cursors.js';
import { messagePage } from '../db/repositories/history.js';
import type { Conversation, Message } from '../db/tables.js';
import { isEnded, visitKey } from '../domain/conversation-state.js';
import type { DeferredWrites } from '../domain/deferred-writes.js';
import type { ConversationRefs } from './conversation-refs.js';
import { storedMessageFrames } from './message-frames.js';
import { CARE_TEAM, type PresenceView } from './presence.js';
import type { ScaleOut } from './scale-out.js';
import type { Sequencer } from './sequencer.js';
import type { Session } from './session.js';

/** Messages read per query when a thread is replayed; the replay goes on page by page to the end. */
const RESUME_PAGE = 500;
/** Conversations waiting for an answer that a care-team client's resume includes beyond what it holds. */
export const RESUME_AWAITING = 200;

export type ReceiptOf = (message: Message) => 'delivered' | 'read' | undefined;

export class Replay {
  constructor(
    private readonly ctx: HubContext,
    private readonly refs: ConversationRefs,
    private readonly presence: PresenceView,
    private readonly scale: ScaleOut,
    private readonly sequencer: Sequencer,
    private readonly deferred: DeferredWrites,
  ) {}

  /** `only`: the client asks for the listed threads alone (it noticed a gap live). */
  async resume(session: Session, identity: Identity, seen: ReadonlyArray<{ thread: string; seq: number }>, only = false): Promise<void> {
    // Live frames wait while history is sent (they are held from authentication until the first resume is answered).
    session.hold();
    const after = new Map(seen.map((s) => [s.thread, s.seq]));
    /** The highest seq the client holds per thread once the replay is done: held live copies of these are dropped. */
    const have = new Map(after);
    for (const thread of only ? [...after.keys()] : await this.scope(identity, after)) {
      await this.thread(session, identity, thread, after.get(thread) ?? 0, have);
      if (session.closed) return;
    }
    // Every message the pages above could see has had its fan-out by now, or waits in the sequencer
    // (and is dropped as a copy); anything committed later is among the held frames or still to come.
    await nextTurn();
    session.release(have);
    session.send({ type: 'synced' });
  }

  /** The threads a client catches up on. */
  private async scope(identity: Identity, held: ReadonlyMap<string, number>): Promise<string[]> {
    if (identity.kind === 'patient') return [identity.externalId];
    // Staff catch up on every patient present, those on other hubs too: wait until they are known.
    await this.scale.presence.ready(identity.orgId);
    const waiting = await awaitingReply(this.ctx.db, identity.orgId, RESUME_AWAITING);
    return [...new Set([...held.keys(), ...this.presence.patients(identity.orgId).keys(), ...waiting])];
  }

  private async thread(session: Session, identity: Identity, thread: string, from: number, have: Map<string, number>): Promise<void> {
    const ref = await this.refs.of(session, identity, thread, undefined, false);
    if (!ref) return;
    let receiptOf: ReceiptOf | undefined;
    let replayed = 0;
    for (let afterSeq = from; ; ) {
      const messages = await messagePage(this.ctx.db, identity.orgId, ref.id, afterSeq, RESUME_PAGE);
      if (!messages.length) break;
      receiptOf ??= await this.receiptsFor(identity, ref.id);
      for (const frames of await storedMessageFrames(this.ctx, identity.orgId, thread, messages, receiptOf)) for (const frame of frames) session.send(frame);
      replayed += messages.length;
      afterSeq = Number(messages.at(-1)!.seq);
      have.set(thread, afterSeq);
      // A reader too slow for the backlog is closed (1013) by `send` and resumes from what it got.
      if (messages.length < RESUME_PAGE || session.closed) break;
      await nextTurn(); // let the socket drain and other sockets be served between pages
    }
    if (replayed) this.sequencer.caughtUp(identity.orgId, thread, have.get(thread)!);
    if (replayed && identity.kind === 'staff') {
      this.deferred.audit({ orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'messages.read', subject: { type: 'conversation', id: ref.id }, detail: { count: replayed } });
    }
    // Ended stays ended across reloads, for both sides: say so after the history.
    const conversation = await getConversation(this.ctx.db, identity.orgId, ref.id);
    if (conversation && endedFor(identity, conversation)) {
      session.send({ type: 'ended', from: CARE_TEAM.id, thread, at: Number(conversation.ended_at ?? Date.now()) });
    }
  }

  /**
   * What history should say about receipts, from the stored cursors: for the reader's own
   * messages how far the other side got; for the others' messages whether the reader has read them.
   */
  private async receiptsFor(identity: Identity, conversationId: string): Promise<ReceiptOf> {
    await this.deferred.flush();
    const cursors = await cursorsOf(this.ctx.db, conversationId);
    const mine = cursors.find((c) => c.participant_kind === identity.kind && c.participant_id === identity.id);
    const others = cursors.filter((c) => c.participant_kind !== identity.kind);
    const otherRead = Math.max(0, ...others.map((c) => Number(c.read_seq)));
    const otherDelivered = Math.max(0, ...others.map((c) => Number(c.delivered_seq)));
    const myRead = Number(mine?.read_seq ?? 0);
    return (message) => {
      const seq = Number(message.seq);
      if (message.author_kind === identity.kind && message.author_id === identity.id) {
        return seq <= otherRead ? 'read' : seq <= otherDelivered ? 'delivered' : undefined;
      }
      return seq <= myRead ? 'read' : undefined;
    };
  }
}

/** A patient back with a new visit may write again; staff see the conversation's current visit. */
function endedFor(identity: Identity, conversation: Conversation): boolean {
  if (identity.kind === 'patient' && identity.visit !== undefined) return conversation.ended_visit != null && conversation.ended_visit === visitKey(identity.visit);
  return isEnded(conversation);
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
