// The threads a core holds, and the only place that writes them: every change makes a new
// ThreadState (so `===` tells a renderer what changed) with its derived fields kept true.
import type { Peer } from '../../protocol/index.js';
import type { ChatMessage, FailReason, ThreadState } from './types.js';

export class ThreadStore {
  private readonly threads = new Map<string, ThreadState>();
  /** Ids of every message seen per thread; kept through erasure so a late resend is not shown again. */
  private readonly seen = new Map<string, Set<string>>();
  /** Patients the care team dismissed from the queue; they come back if they return. */
  private readonly dismissed = new Set<string>();

  constructor(private readonly compare: (a: ChatMessage, b: ChatMessage) => number) {}

  get(id: string): ThreadState | undefined {
    return this.threads.get(id);
  }

  has(id: string): boolean {
    return this.threads.has(id) && !this.dismissed.has(id);
  }

  ids(): string[] {
    return [...this.threads.keys()];
  }

  /** The threads in queue order: arrival, never activity. Dismissed ones are left out. */
  list(): ThreadState[] {
    return [...this.threads.values()].filter((t) => !this.dismissed.has(t.id)).sort((a, b) => a.arrivedAt - b.arrivedAt);
  }

  ensure(patient: Peer, visit: string | undefined, present: boolean): ThreadState {
    const existing = this.threads.get(patient.id);
    if (existing) return existing;
    const thread: ThreadState = {
      id: patient.id,
      patient,
      ...(visit ? { visit } : {}),
      present,
      ended: false,
      messages: [],
      unread: 0,
      typing: [],
      arrivedAt: Date.now(),
      cleared: false,
      inCall: false,
      peerState: present ? 'waiting' : 'left',
    };
    this.threads.set(patient.id, thread);
    return thread;
  }

  update(id: string, patch: Partial<ThreadState>): void {
    const thread = this.threads.get(id);
    if (!thread) return;
    const next = { ...thread, ...patch };
    if (patch.messages) {
      const last = patch.messages.at(-1);
      if (last) next.lastMessage = last;
      else delete (next as { lastMessage?: ChatMessage }).lastMessage;
    }
    this.threads.set(id, next);
  }

  /** Puts a message in its place by the delivery's order. */
  insert(threadId: string, message: ChatMessage): void {
    const thread = this.threads.get(threadId)!;
    const messages = [...thread.messages];
    let at = messages.length;
    while (at > 0 && this.compare(messages[at - 1], message) > 0) at--;
    messages.splice(at, 0, message);
    this.update(threadId, { messages });
  }

  remove(threadId: string, id: string): void {
    const thread = this.threads.get(threadId);
    if (thread) this.update(threadId, { messages: thread.messages.filter((m) => m.id !== id) });
  }

  find(threadId: string, id: string): ChatMessage | undefined {
    return this.threads.get(threadId)?.messages.find((m) => m.id === id);
  }

  replace(threadId: string, message: ChatMessage): void {
    const thread = this.threads.get(threadId);
    if (thread) this.update(threadId, { messages: thread.messages.map((m) => (m.id === message.id ? message : m)) });
  }

  /** Moves a message to where its (new) clock or seq puts it. */
  reposition(threadId: string, message: ChatMessage): void {
    this.remove(threadId, message.id);
    this.insert(threadId, message);
  }

  setStatus(threadId: string, id: string, status: ChatMessage['status'], reason?: FailReason): void {
    const message = this.find(threadId, id);
    if (message) this.replace(threadId, { ...message, status, ...(reason ? { reason } : {}) });
  }

  seenIn(threadId: string): Set<string> {
    let seen = this.seen.get(threadId);
    if (!seen) this.seen.set(threadId, (seen = new Set()));
    return seen;
  }

  /** The thread's content leaves memory; `cleared` says so, so the box does not claim there never were messages. */
  erase(threadId: string): void {
    const thread = this.threads.get(threadId);
    if (!thread) return;
    this.update(threadId, { messages: [], unread: 0, typing: [], cleared: thread.cleared || thread.messages.length > 0 });
  }

  dismiss(threadId: string): void {
    this.dismissed.add(threadId);
  }

  /** A dismissed patient who comes back is in the queue again. */
  undismiss(threadId: string): boolean {
    return this.dismissed.delete(threadId);
  }
}
