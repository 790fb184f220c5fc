// A thread's life from the core's side: made for a patient, a patient who returns, a new
// visit, the other side coming and going, the end, and erasure. Shared by the inbound frames
// and the core's own methods, so each rule is written once.
import type { ErrorCode, Peer, ProtocolError } from '../../protocol/index.js';
import type { IncomingAttachments } from './attachments.js';
import type { Emitter } from './emitter.js';
import type { Outbox } from './outbox.js';
import type { Presence } from './presence.js';
import type { RetentionPolicy } from './retention.js';
import type { ThreadStore } from './threads.js';
import type { CoreEventMap, QueueEntry, ThreadState } from './types.js';

export interface LifecycleOptions {
  me: Peer;
  threads: ThreadStore;
  events: Emitter<CoreEventMap>;
  outbox: Outbox;
  incoming: IncomingAttachments;
  retention: RetentionPolicy;
  /** The visit of this page's own thread (a patient's), which the host may change. */
  visit: () => string | undefined;
  fail: (code: ErrorCode, message: string) => ProtocolError;
}

export class ThreadLifecycle {
  constructor(private readonly opts: LifecycleOptions) {}

  /**
   * The thread of a patient, made on first sight; the care team sees a new patient as present,
   * unless `present` says otherwise (a thread met in a hub's stored history: presence frames decide).
   */
  ensure(patient: Peer, visit?: string, present = this.opts.me.role === 'provider'): ThreadState {
    const { me, threads } = this.opts;
    return threads.ensure(patient, visit ?? (patient.id === me.id ? this.opts.visit() : undefined), present);
  }

  /** The patient of a thread, or a stand-in named by the id for one not seen yet. */
  patientOf(threadId: string): Peer {
    return this.opts.threads.get(threadId)?.patient ?? { id: threadId, name: threadId, role: 'patient' };
  }

  /** A dismissed patient who comes back (presence or a message) is a new arrival in the queue. */
  returned(threadId: string): void {
    const { threads } = this.opts;
    if (threads.undismiss(threadId)) threads.update(threadId, { arrivedAt: Date.now() });
  }

  /** A new visit is a new call: `view` retention erases the thread, and an ended chat may start again. */
  newVisit(threadId: string, visit: string | undefined): void {
    this.opts.retention.newVisit(threadId);
    this.opts.threads.update(threadId, { visit, ended: false, endedAt: undefined, cleared: false });
  }

  /** A patient as the host's queue has them: present or gone, their name, in the call or not. */
  fromQueue(entry: QueueEntry): void {
    const { threads } = this.opts;
    const patient: Peer = { id: entry.id, name: entry.name, role: 'patient' };
    const thread = this.ensure(patient, entry.visit);
    if (entry.present !== undefined && entry.present !== thread.present) this.setPresent(entry.id, entry.present);
    if (entry.present !== false) this.returned(entry.id);
    if (entry.name !== thread.patient.name) threads.update(entry.id, { patient });
    if (Boolean(entry.inCall) !== thread.inCall) threads.update(entry.id, { inCall: Boolean(entry.inCall) });
  }

  /**
   * The care team removes a patient who has left from the queue (`view` retention erases the
   * thread). Refused with a `not-allowed` error for one who is still here. Returns whether it was done.
   */
  dismiss(patientId: string): boolean {
    const { me, threads, fail } = this.opts;
    const thread = threads.has(patientId) ? threads.get(patientId) : undefined;
    if (me.role !== 'provider' || !thread) {
      fail('not-allowed', `no patient ${patientId} in the queue`);
      return false;
    }
    if (thread.present) {
      fail('not-allowed', `${thread.patient.name} is still here`);
      return false;
    }
    this.opts.retention.dismissed(patientId);
    threads.dismiss(patientId);
    return true;
  }

  setPresent(threadId: string, present: boolean): void {
    const { threads, outbox, events } = this.opts;
    const thread = threads.get(threadId);
    if (!thread || thread.present === present) return;
    threads.update(threadId, { present, ...(present ? {} : { typing: [] }) });
    if (present) outbox.hurry(threadId);
    events.emit('presence', { thread: threadId, present });
  }

  /**
   * Heartbeats: forgets the peers silent for too long. A patient who went silent has left; a
   * patient whose care team all went silent is waiting again. Returns whether anyone went.
   */
  expireSilent(presence: Presence, gone: (silentMs: number) => boolean): boolean {
    const expired = presence.expire(gone);
    for (const peer of expired) if (peer.role === 'patient') this.setPresent(peer.id, false);
    if (expired.length && this.opts.me.role === 'patient') this.setPresent(this.opts.me.id, presence.anyProvider());
    return expired.length > 0;
  }

  markEnded(threadId: string): void {
    const { threads, outbox, events } = this.opts;
    const thread = threads.get(threadId);
    if (!thread || thread.ended) return;
    threads.update(threadId, { ended: true, endedAt: Date.now(), typing: [] });
    outbox.failThread(threadId);
    events.emit('ended', { thread: threadId });
  }

  /** `view` retention: the thread's content leaves memory (pending sends still complete). */
  erase(threadId: string): void {
    const { threads, incoming } = this.opts;
    for (const message of threads.get(threadId)?.messages ?? []) incoming.forget(message.id);
    threads.erase(threadId);
  }
}
