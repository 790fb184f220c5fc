// Inbound frames: what each frame from the transport does to the threads, and who may do it.
// A patient acts only in their own thread; the care team in any. Everything else is ignored
// or refused here, before it reaches the threads.
import type { ChunkFrame, ErrorCode, ErrorFrame, Frame, MessageFrame, OutgoingFrame, Peer, PresenceFrame, ProtocolError, Role } from '../../protocol/index.js';
import type { IncomingAttachments } from './attachments.js';
import type { Box } from './box.js';
import type { OrderingClock } from './clock.js';
import type { Delivery } from './delivery.js';
import type { Emitter } from './emitter.js';
import type { ThreadLifecycle } from './lifecycle.js';
import type { Outbox } from './outbox.js';
import type { Presence } from './presence.js';
import type { ThreadStore } from './threads.js';
import type { Typing } from './typing.js';
import type { ChatMessage, CoreEventMap } from './types.js';

export interface InboundOptions {
  me: Peer;
  threads: ThreadStore;
  life: ThreadLifecycle;
  box: Box;
  presence: Presence;
  typing: Typing;
  incoming: IncomingAttachments;
  clock: OrderingClock;
  delivery: Delivery;
  outbox: Outbox;
  events: Emitter<CoreEventMap>;
  send: (frame: OutgoingFrame) => boolean;
  fail: (code: ErrorCode, message: string, ref?: string) => ProtocolError;
  /** Answers a peer who just joined with this page's own presence. */
  announceHere: () => void;
  /** Publishes a new snapshot of the state. */
  publish: () => void;
}

export class Inbound {
  constructor(private readonly o: InboundOptions) {}

  private get role(): Role {
    return this.o.me.role;
  }

  receive(frame: Frame): void {
    const { me, incoming, delivery } = this.o;
    const from = 'from' in frame && frame.from ? (typeof frame.from === 'string' ? frame.from : frame.from.id) : undefined;
    if (from === me.id) {
      const awaiting = frame.type === 'chunk' && incoming.awaiting(frame.message);
      if (!delivery.isOwnHistory(frame, awaiting)) return;
      if (frame.type === 'message') this.onOwnStoredMessage(frame);
      else if (frame.type === 'chunk') this.onChunk(frame, true);
      return;
    }
    switch (frame.type) {
      case 'presence':
        return this.onPresence(frame);
      case 'message':
        return this.onMessage(frame);
      case 'chunk':
        return this.onChunk(frame);
      case 'delivered':
      case 'read':
        return this.onReceipt(frame.type, frame.from, frame.thread, frame.ids);
      case 'typing':
        return this.onTyping(frame.from, frame.thread, frame.active);
      case 'ended':
        // A hub has checked who may end the chat (and says so again on resume, from the care team);
        // between peers only the care team or the thread's own patient may.
        if (this.o.delivery.kind !== 'hub' && this.mayAct(frame.from, frame.thread) !== true) return;
        this.o.life.markEnded(frame.thread);
        return this.o.publish();
      case 'error':
        return this.onErrorFrame(frame);
      case 'ack':
        this.o.outbox.ack(frame);
        return this.o.publish();
      default:
        // Session frames (auth, ready, resume, synced) belong to the transport.
        return;
    }
  }

  /**
   * Whether a peer may act in a thread. Patients act only in their own thread; the care
   * team in any. Returns 'refuse' for a patient writing into someone else's thread.
   */
  mayAct(from: string, threadId: string, fromRole?: Role): boolean | 'refuse' {
    const { me, presence, threads } = this.o;
    const role = fromRole ?? (from === threadId ? 'patient' : presence.peer(from)?.role ?? (this.role === 'patient' ? 'provider' : 'patient'));
    if (this.role === 'patient') return threadId === me.id && role === 'provider';
    if (role === 'patient') return from === threadId ? true : 'refuse';
    return threads.has(threadId) || fromRole === 'provider';
  }

  private onPresence(frame: PresenceFrame): void {
    const { me, threads, life, presence, clock, delivery } = this.o;
    const peer = frame.from;
    const here = frame.state !== 'left';
    // Learn the other side's clock first: what this page sends next sorts after what they have seen.
    if (frame.clock !== undefined) clock.witness(frame.clock);
    if (this.role === 'patient') {
      // Patients track the care team only; other patients stay invisible to them.
      if (peer.role !== 'provider') return;
      if (frame.state === 'joined') this.o.announceHere();
      presence.heard(peer, here);
      life.setPresent(me.id, presence.anyProvider());
    } else {
      if (frame.state === 'joined') this.o.announceHere();
      if (peer.role !== 'patient') return;
      const known = threads.has(peer.id) ? threads.get(peer.id) : undefined;
      life.ensure(peer, frame.visit);
      if (here) life.returned(peer.id);
      if (!known && here) this.o.events.emit('presence', { thread: peer.id, present: true });
      if (known && frame.visit && known.visit !== frame.visit) life.newVisit(peer.id, frame.visit);
      if (known && known.patient.name !== peer.name) threads.update(peer.id, { patient: peer });
      presence.heard(peer, here);
      life.setPresent(peer.id, here);
      // A patient back on an ended visit's page (a reload) has forgotten that it ended: say it again.
      const thread = threads.get(peer.id)!;
      if (frame.state === 'joined' && thread.ended && delivery.peersRemember) {
        this.o.send({ type: 'ended', from: me.id, thread: peer.id, at: Date.now() });
      }
    }
    this.o.publish();
  }

  private onMessage(frame: MessageFrame): void {
    const { me, threads, life, box, presence, typing, incoming, clock, send } = this.o;
    const allowed = this.mayAct(frame.from.id, frame.thread, frame.from.role);
    if (allowed === 'refuse') {
      send({ type: 'error', from: me.id, to: frame.from.id, code: 'not-allowed', message: 'a patient may only write in their own chat', ref: frame.id });
      return;
    }
    if (!allowed) return;
    // Between peers a message is a sign of life; through a hub it may be stored history, and the
    // hub's presence frames say who is here.
    const viaHub = this.o.delivery.kind === 'hub';
    if (frame.from.role === 'patient' && !viaHub) presence.heard(frame.from, true);
    const colleague = frame.from.role === this.role;
    const thread = life.ensure(frame.from.role === 'patient' ? frame.from : life.patientOf(frame.thread), undefined, viaHub ? false : undefined);
    const seen = threads.seenIn(thread.id);
    if (seen.has(frame.id)) {
      // A resend: our receipt was lost. Acknowledge again, show nothing new.
      this.ackIfComplete(thread.id, frame.id);
      return;
    }
    if (thread.ended) {
      send({ type: 'error', from: me.id, to: frame.from.id, code: 'chat-ended', message: 'this chat has ended', ref: frame.id });
      return;
    }
    if (frame.from.role === 'patient') life.returned(thread.id);
    seen.add(frame.id);
    clock.witness(frame.clock);
    const attachments = incoming.expect(frame);
    const { receipt, ...fields } = frame;
    const message: ChatMessage = { ...fields, mine: false, attachments };
    threads.insert(thread.id, message);
    if (receipt === 'read') {
      // History this reader had already read (hub resume after a reload): no badge, no alert, no receipt.
      box.alreadyRead(frame.id);
      this.ackIfComplete(thread.id, frame.id);
      this.o.publish();
      return;
    }
    typing.clear(thread.id, frame.from.id);
    box.arrived(thread.id, colleague);
    this.ackIfComplete(thread.id, frame.id);
    if (box.isViewing(thread.id)) box.markViewed();
    this.o.publish();
    this.o.events.emit('message', { thread: thread.id, message: threads.find(thread.id, frame.id) ?? message });
  }

  /** Hub mode: one of my own messages that the hub stored before this page loaded, or that I sent from another device. */
  private onOwnStoredMessage(frame: MessageFrame): void {
    const { me, threads, life, incoming, clock } = this.o;
    if (this.role === 'patient' && frame.thread !== me.id) return;
    if (threads.find(frame.thread, frame.id)) return; // sent from this page: already shown
    const thread = life.ensure(this.role === 'patient' ? me : life.patientOf(frame.thread), undefined, this.role === 'patient' ? undefined : false);
    clock.witness(frame.clock);
    const attachments = incoming.expect(frame);
    // Stored at least; the hub says how far the other side got, from its cursors.
    const { receipt, ...fields } = frame;
    threads.insert(thread.id, { ...fields, mine: true, attachments, status: receipt ?? 'sent' });
    this.o.publish();
  }

  private onChunk(frame: ChunkFrame, mine = false): void {
    const { threads, incoming } = this.o;
    if (!(mine || this.mayAct(frame.from, frame.thread))) return;
    const result = incoming.add(frame);
    if (result.kind === 'ignored') return;
    if (result.kind === 'misfit') {
      this.o.fail('invalid', 'attachment chunk does not fit its attachment', frame.message);
      return;
    }
    const message = threads.find(frame.thread, frame.message);
    if (message) threads.replace(frame.thread, { ...message, attachments: result.update(message.attachments) });
    if (result.complete) this.ackIfComplete(frame.thread, frame.message);
    this.o.publish();
  }

  private onReceipt(kind: 'delivered' | 'read', from: string, threadId: string, ids: readonly string[]): void {
    // Only the other side's devices acknowledge: the patient for the care team's messages, the care team for the patient's.
    const fromPatient = from === threadId;
    if (this.role === 'patient' ? fromPatient || threadId !== this.o.me.id : !fromPatient) return;
    this.o.outbox.receipt(kind, threadId, ids);
    this.o.publish();
  }

  private onTyping(from: string, threadId: string, active: boolean): void {
    const { threads, presence, typing } = this.o;
    if (!this.mayAct(from, threadId)) return;
    const name = presence.peer(from)?.name ?? (from === threadId ? threads.get(threadId)?.patient.name : undefined) ?? 'Someone';
    typing.set(threadId, from, name, active);
    this.o.publish();
  }

  private onErrorFrame(frame: ErrorFrame): void {
    const { me, delivery, outbox, life } = this.o;
    if (!delivery.isForMe(frame, me.id)) return;
    const { code, message, ref } = frame;
    const threadId = ref ? outbox.refused(ref, code) : undefined;
    if (threadId) {
      if (code === 'chat-ended') life.markEnded(threadId);
      this.o.publish();
    }
    this.o.fail(code, message, ref);
  }

  /** Acknowledges a message once every attachment byte is here; the care team does not acknowledge each other. */
  private ackIfComplete(threadId: string, id: string): void {
    const { me, threads, incoming, send } = this.o;
    if (incoming.awaiting(id)) return;
    const message = threads.find(threadId, id);
    if (message && message.from.role === this.role) return;
    send({ type: 'delivered', from: me.id, thread: threadId, ids: [id] });
  }
}
