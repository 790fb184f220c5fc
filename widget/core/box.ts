// The box and its unread rules: which thread is in view and whether its box is open,
// minimized or closed; what counts as unread; and the read receipts for what was seen.
import { LIMITS, type ErrorCode, type OutgoingFrame, type Peer, type ProtocolError } from '../../protocol/index.js';
import type { Emitter } from './emitter.js';
import type { RetentionPolicy } from './retention.js';
import type { ThreadStore } from './threads.js';
import type { BoxState, CoreEventMap } from './types.js';

export interface BoxOptions {
  me: Peer;
  threads: ThreadStore;
  events: Emitter<CoreEventMap>;
  retention: RetentionPolicy;
  send: (frame: OutgoingFrame) => boolean;
  fail: (code: ErrorCode, message: string) => ProtocolError;
}

/**
 * The rules, in order of how often they matter:
 * - a message counts as unread unless its thread is in view (active, open, page visible);
 *   a colleague's message never counts;
 * - for the care team, minimized means "out of the way until they write": a message from that
 *   patient re-opens it; a patient's minimized chat stays folded in its launcher, which counts it;
 * - closed stays closed whoever writes;
 * - what comes into view is read: its badge clears and the other side gets read receipts.
 */
export class Box {
  private activeId: string | null = null;
  private box: BoxState = 'open';
  private visible = true;
  /** Incoming ids we have reported read. */
  private readonly readSent = new Set<string>();

  constructor(private readonly opts: BoxOptions) {
    // A patient's box always shows their own thread.
    if (opts.me.role === 'patient') this.activeId = opts.me.id;
  }

  get active(): string | null {
    return this.activeId;
  }

  get state(): BoxState {
    return this.box;
  }

  // open, minimize and close return the thread they acted on (undefined when nothing
  // changed); the caller publishes the new state before it emits the event, so a listener
  // reads the state the event describes.

  /** Shows a patient's thread (care team), or re-opens the patient's own box. */
  open(patientId?: string): string | undefined {
    const { me, threads, retention } = this.opts;
    const id = me.role === 'patient' ? me.id : patientId ?? this.activeId;
    if (!id) return undefined;
    if (!threads.has(id)) {
      this.opts.fail('not-allowed', `no patient ${id} in the queue`);
      return undefined;
    }
    const previous = this.activeId;
    if (previous && previous !== id) retention.leftView(previous);
    this.activeId = id;
    this.box = 'open';
    this.markViewed();
    return id;
  }

  minimize(): string | undefined {
    if (!this.activeId || this.box !== 'open') return undefined;
    this.box = 'minimized';
    return this.activeId;
  }

  close(): string | undefined {
    if (!this.activeId || this.box === 'closed') return undefined;
    this.box = 'closed';
    this.opts.retention.leftView(this.activeId);
    return this.activeId;
  }

  /** The care team dismissed a patient: a box showing them has nothing left to show. */
  dismissed(threadId: string): void {
    if (this.activeId !== threadId) return;
    this.activeId = null;
    this.box = 'closed';
  }

  /** Page visibility: messages that arrive while the page is hidden count as unread. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.markViewed();
  }

  isViewing(threadId: string): boolean {
    return this.activeId === threadId && this.box === 'open' && this.visible;
  }

  /** A new message from someone else arrived in a thread: re-open the care team's minimized box for it, or count it. */
  arrived(threadId: string, fromColleague: boolean): void {
    if (fromColleague) return;
    if (threadId === this.activeId && this.box === 'minimized' && this.opts.me.role === 'provider') {
      this.box = 'open';
      this.opts.events.emit('open', { thread: threadId });
    }
    if (!this.isViewing(threadId)) this.bumpUnread(threadId);
  }

  /** History this reader had already read elsewhere (a hub resume): no badge, no receipt. */
  alreadyRead(messageId: string): void {
    this.readSent.add(messageId);
  }

  /** Marks the thread in view read and tells the other side. */
  markViewed(): void {
    const { me, threads, send } = this.opts;
    const id = this.activeId;
    if (!id || !this.isViewing(id)) return;
    const thread = threads.get(id);
    if (!thread) return;
    const ids = thread.messages.filter((m) => !m.mine && m.from.role !== me.role && !this.readSent.has(m.id)).map((m) => m.id);
    for (const messageId of ids) this.readSent.add(messageId);
    for (let i = 0; i < ids.length; i += LIMITS.receiptIds) {
      send({ type: 'read', from: me.id, thread: id, ids: ids.slice(i, i + LIMITS.receiptIds) });
    }
    if (thread.unread) {
      threads.update(id, { unread: 0 });
      this.emitUnread(id);
    }
  }

  private bumpUnread(threadId: string): void {
    const thread = this.opts.threads.get(threadId)!;
    this.opts.threads.update(threadId, { unread: thread.unread + 1 });
    this.emitUnread(threadId);
  }

  private emitUnread(threadId: string): void {
    const { threads, events } = this.opts;
    const total = threads.list().reduce((sum, t) => sum + t.unread, 0);
    events.emit('unread', { thread: threadId, unread: threads.get(threadId)?.unread ?? 0, total });
  }
}
