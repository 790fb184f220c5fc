// The framework-free chat core: a small façade over the threads, the outbox, presence and
// typing, incoming attachments and retention. It talks to the world only through a
// Transport (with the hub-or-peer difference in one Delivery object) and publishes
// immutable snapshots; elements render those and call its methods.
import { nanoid } from 'nanoid';
import {
  LIMITS,
  ProtocolError,
  splitChunks,
  type AttachmentMeta,
  type ChunkFrame,
  type ErrorCode,
  type Frame,
  type MessageFrame,
  type OutgoingFrame,
  type Peer,
  type PresenceFrame,
  type Role,
} from '../../protocol/index.js';
import type { Transport, TransportStatus } from '../transports/transport.js';
import { DEFAULT_MAX_FILE_BYTES, IncomingAttachments, readAttachment } from './attachments.js';
import { OrderingClock } from './clock.js';
import { deliveryFor, type Delivery } from './delivery.js';
import { Emitter } from './emitter.js';
import { Outbox } from './outbox.js';
import { Presence, Typing, TYPING_SEND_EVERY_MS } from './presence.js';
import { retentionPolicy, type RetentionPolicy } from './retention.js';
import { ThreadStore } from './threads.js';
import type { AttachmentView, BoxState, ChatMessage, ChatState, Connection, CoreEventMap, PeerState, QueueEntry, Retention, ThreadState } from './types.js';

export interface ChatCoreOptions {
  me: Peer;
  transport: Transport;
  retention?: Retention;
  visit?: string;
  /** Per-attachment limit in bytes; default `DEFAULT_MAX_FILE_BYTES` (5 MB), capped by the protocol's 10 MB. */
  maxFileBytes?: number;
  /** How often presence is repeated; a peer silent for three periods has left. */
  heartbeatMs?: number;
  /** First retry delay for unacknowledged messages; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * One person's chat: a patient's conversation with the care team, or a clinician's queue of
 * patients with the thread in view. Plain TypeScript with no DOM; `<clinic-chat>` renders its
 * `state` and calls its methods, and a custom UI can do the same.
 *
 * @example
 * ```ts
 * const core = new ChatCore({ me: { id: 'ana', name: 'Ana', role: 'patient' }, transport: new LocalTransport('clinic') });
 * core.subscribe((state) => render(state.threads[0].messages));
 * core.events.on('ended', () => showEnded());
 * core.start();
 * await core.send('Hello, my prescription ran out'); // rejects with a ProtocolError when refused
 * core.stop();
 * ```
 */
export class ChatCore {
  readonly events = new Emitter<CoreEventMap>();
  private readonly opts: Required<Omit<ChatCoreOptions, 'visit'>>;
  private readonly me: Peer;
  private readonly delivery: Delivery;
  private readonly clock = new OrderingClock();
  private readonly threads: ThreadStore;
  private readonly outbox: Outbox;
  private readonly presence = new Presence();
  private readonly typing = new Typing();
  private readonly incoming = new IncomingAttachments();
  private readonly retention: RetentionPolicy;
  private visit?: string;
  private connection: Connection = 'connecting';
  private active: string | null = null;
  private box: BoxState = 'open';
  private notifications = false;
  private visible = true;
  private started = false;
  /** Incoming ids we have reported read. */
  private readonly readSent = new Set<string>();
  private typingSentAt = 0;
  private lastBeat = 0;
  private timer?: ReturnType<typeof setInterval>;
  private snapshot!: ChatState;
  private readonly listeners = new Set<(state: ChatState) => void>();

  constructor(options: ChatCoreOptions) {
    this.opts = { retention: 'session', maxFileBytes: DEFAULT_MAX_FILE_BYTES, heartbeatMs: 5000, retryMs: 2000, maxRetryMs: 30000, ...options };
    this.opts.maxFileBytes = Math.min(this.opts.maxFileBytes, LIMITS.attachmentBytes);
    this.me = options.me;
    this.visit = options.visit;
    this.delivery = deliveryFor(options.transport);
    this.threads = new ThreadStore(this.delivery.compare);
    this.retention = retentionPolicy(this.opts.retention, (id) => this.erase(id));
    this.outbox = new Outbox({
      store: this.threads,
      delivery: this.delivery,
      clock: this.clock,
      send: (frame) => this.sendFrame(frame),
      counterpartPresent: (id) => this.threads.get(id)?.present ?? false,
      retryMs: this.opts.retryMs,
      maxRetryMs: this.opts.maxRetryMs,
    });
    if (this.role === 'patient') {
      this.ensureThread(this.me, this.visit);
      this.active = this.me.id;
    }
    this.publish();
  }

  get role(): Role {
    return this.me.role;
  }

  get state(): ChatState {
    return this.snapshot;
  }

  subscribe(listener: (state: ChatState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects the transport and announces this peer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.opts.transport.open({
      frame: (frame) => this.receive(frame),
      error: (error) => {
        if (error.code === 'forbidden') {
          this.connection = 'refused';
          this.publish();
        }
        this.fail(error.code, error.message, error.ref);
      },
      status: (status) => this.onTransport(status),
    });
    const tick = Math.max(50, Math.min(this.opts.heartbeatMs, this.opts.retryMs) / 2);
    this.timer = setInterval(() => this.tick(), tick);
  }

  /** Says goodbye and disconnects. Memory is released with the object; nothing was stored elsewhere. */
  stop(): void {
    if (!this.started) return;
    this.announce('left');
    this.started = false;
    clearInterval(this.timer);
    this.opts.transport.close();
  }

  // ---- box and queue -------------------------------------------------------------------

  /** Shows a patient's thread in the box (provider), or re-opens the patient's own box. */
  open(patientId?: string): void {
    const id = this.role === 'patient' ? this.me.id : patientId ?? this.active;
    if (!id) return;
    if (!this.threads.has(id)) {
      this.fail('not-allowed', `no patient ${id} in the queue`);
      return;
    }
    const previous = this.active;
    if (previous && previous !== id) this.retention.leftView(previous);
    this.active = id;
    this.box = 'open';
    this.markViewed();
    this.publish();
    this.events.emit('open', { thread: id });
  }

  minimize(): void {
    if (!this.active || this.box !== 'open') return;
    this.box = 'minimized';
    this.publish();
    this.events.emit('minimize', { thread: this.active });
  }

  close(): void {
    if (!this.active || this.box === 'closed') return;
    const id = this.active;
    this.box = 'closed';
    this.retention.leftView(id);
    this.publish();
    this.events.emit('close', { thread: id });
  }

  /**
   * Provider: removes a patient who has left from the queue (in `view` retention their
   * thread is erased). Refused with a `not-allowed` error for a patient who is still here.
   * A dismissed patient who comes back is queued again as a new arrival.
   */
  dismiss(patientId: string): void {
    const thread = this.threads.has(patientId) ? this.threads.get(patientId) : undefined;
    if (this.role !== 'provider' || !thread) {
      this.fail('not-allowed', `no patient ${patientId} in the queue`);
      return;
    }
    if (thread.present) {
      this.fail('not-allowed', `${thread.patient.name} is still here`);
      return;
    }
    this.retention.dismissed(patientId);
    this.threads.dismiss(patientId);
    if (this.active === patientId) {
      this.active = null;
      this.box = 'closed';
    }
    this.publish();
  }

  /** Page visibility: messages that arrive while the page is hidden count as unread. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.markViewed();
    this.publish();
  }

  setNotifications(on: boolean): void {
    this.notifications = on;
    this.publish();
  }

  /** A new visit is a new call: `view` retention erases everything, and an ended chat may start again. */
  setVisit(visit: string | undefined): void {
    if (visit === this.visit) return;
    this.visit = visit;
    if (this.role === 'patient') this.newVisit(this.me.id, visit);
    else for (const id of this.threads.ids()) this.retention.newVisit(id);
    this.announce('joined');
    this.publish();
  }

  /** Provider: the host owns the queue (patients it knows are waiting or in the call). */
  setQueue(entries: readonly QueueEntry[]): void {
    if (this.role !== 'provider') return;
    for (const entry of entries) {
      const patient: Peer = { id: entry.id, name: entry.name, role: 'patient' };
      const thread = this.ensureThread(patient, entry.visit);
      if (entry.present !== undefined && entry.present !== thread.present) this.setPresent(entry.id, entry.present);
      if (entry.present !== false) this.returned(entry.id);
      if (entry.name !== thread.patient.name) this.threads.update(entry.id, { patient });
      if (Boolean(entry.inCall) !== thread.inCall) this.threads.update(entry.id, { inCall: Boolean(entry.inCall) });
    }
    this.publish();
  }

  // ---- sending ---------------------------------------------------------------------------

  /**
   * Sends a message on the active thread. Rejects with a ProtocolError (and changes nothing)
   * when the text is too long, a file is too large or of another type, or the chat has ended.
   */
  async send(text: string, files: readonly Blob[] = []): Promise<ChatMessage> {
    const threadId = this.role === 'patient' ? this.me.id : this.active;
    const thread = threadId ? this.threads.get(threadId) : undefined;
    const trimmed = text.trim();
    if (!thread) throw this.fail('not-allowed', 'no chat is open');
    if (thread.ended) throw this.fail('chat-ended', 'this chat has ended');
    if (this.role === 'provider' && !thread.present) throw this.fail('chat-ended', `${thread.patient.name} has left`);
    if (trimmed.length > LIMITS.textChars) throw this.fail('too-large', `messages are limited to ${LIMITS.textChars} characters`);
    if (!trimmed && files.length === 0) throw this.fail('invalid', 'nothing to send');
    if (files.length > LIMITS.attachmentsPerMessage) {
      throw this.fail('too-large', `at most ${LIMITS.attachmentsPerMessage} attachments per message`);
    }
    const id = nanoid();
    const metas: AttachmentMeta[] = [];
    const views: AttachmentView[] = [];
    const chunks: Omit<ChunkFrame, 'v'>[] = [];
    for (const file of files) {
      const { meta, bytes } = await this.readFile(file);
      metas.push(meta);
      views.push({ ...meta, blob: new Blob([bytes as BlobPart], { type: meta.mime }), progress: 1 });
      const parts = splitChunks(bytes, LIMITS.chunkBytes);
      parts.forEach((data, index) =>
        chunks.push({ type: 'chunk', from: this.me.id, thread: thread.id, message: id, attachment: meta.id, index, count: parts.length, data }),
      );
    }
    // The thread may have ended while the files were read.
    if (this.threads.get(thread.id)?.ended) throw this.fail('chat-ended', 'this chat has ended');
    const frame: Omit<MessageFrame, 'v'> = {
      type: 'message',
      id,
      thread: thread.id,
      from: this.me,
      text: trimmed,
      at: Date.now(),
      clock: this.clock.next(),
      ...(metas.length ? { attachments: metas } : {}),
    };
    this.threads.insert(thread.id, { ...frame, mine: true, attachments: views, status: 'sending' });
    this.typingSentAt = 0;
    this.outbox.add(frame, chunks);
    this.publish();
    return this.threads.find(thread.id, id)!;
  }

  /** Checks a file before it is attached; resolves to the error the send would give, or null. */
  async checkFile(file: Blob): Promise<ProtocolError | null> {
    try {
      await this.readFile(file, false);
      return null;
    } catch (error) {
      return error as ProtocolError;
    }
  }

  setTyping(active: boolean): void {
    const thread = this.role === 'patient' ? this.me.id : this.active;
    if (!thread) return;
    const now = Date.now();
    if (active && now - this.typingSentAt < TYPING_SEND_EVERY_MS) return;
    this.typingSentAt = active ? now : 0;
    this.sendFrame({ type: 'typing', from: this.me.id, thread, active });
  }

  /** Ends the chat in the active thread (provider) or the patient's own chat. */
  end(): void {
    const id = this.role === 'patient' ? this.me.id : this.active;
    if (!id || this.threads.get(id)?.ended) return;
    this.sendFrame({ type: 'ended', from: this.me.id, thread: id, at: Date.now() });
    this.markEnded(id);
    this.publish();
  }

  // ---- receiving -------------------------------------------------------------------------

  private receive(frame: Frame): void {
    const from = 'from' in frame && frame.from ? (typeof frame.from === 'string' ? frame.from : frame.from.id) : undefined;
    if (from === this.me.id) {
      const awaiting = frame.type === 'chunk' && this.incoming.awaiting(frame.message);
      if (!this.delivery.isOwnHistory(frame, awaiting)) return;
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
        if (!this.mayAct(frame.from, frame.thread)) return;
        this.markEnded(frame.thread);
        return this.publish();
      case 'error':
        if (!this.delivery.isForMe(frame, this.me.id)) return;
        return this.onErrorFrame(frame.code, frame.message, frame.ref);
      case 'ack':
        this.outbox.ack(frame);
        return this.publish();
      default:
        // Session frames (auth, ready, resume, synced) belong to the transport.
        return;
    }
  }

  private onPresence(frame: PresenceFrame): void {
    const peer = frame.from;
    const here = frame.state !== 'left';
    // Learn the other side's clock first: what this page sends next sorts after what they have seen.
    if (frame.clock !== undefined) this.clock.witness(frame.clock);
    if (this.role === 'patient') {
      // Patients track the care team only; other patients stay invisible to them.
      if (peer.role !== 'provider') return;
      if (frame.state === 'joined') this.announce('here');
      this.presence.heard(peer, here);
      this.setPresent(this.me.id, this.presence.anyProvider());
    } else {
      if (frame.state === 'joined') this.announce('here');
      if (peer.role !== 'patient') return;
      const known = this.threads.has(peer.id) ? this.threads.get(peer.id) : undefined;
      this.ensureThread(peer, frame.visit);
      if (here) this.returned(peer.id);
      if (!known && here) this.events.emit('presence', { thread: peer.id, present: true });
      if (known && frame.visit && known.visit !== frame.visit) this.newVisit(peer.id, frame.visit);
      if (known && known.patient.name !== peer.name) this.threads.update(peer.id, { patient: peer });
      this.presence.heard(peer, here);
      this.setPresent(peer.id, here);
      // A patient back on an ended visit's page (a reload) has forgotten that it ended: say it again.
      const thread = this.threads.get(peer.id)!;
      if (frame.state === 'joined' && thread.ended && this.delivery.peersRemember) {
        this.sendFrame({ type: 'ended', from: this.me.id, thread: peer.id, at: Date.now() });
      }
    }
    this.publish();
  }

  private onMessage(frame: MessageFrame): void {
    const allowed = this.mayAct(frame.from.id, frame.thread, frame.from.role);
    if (allowed === 'refuse') {
      this.sendFrame({ type: 'error', from: this.me.id, to: frame.from.id, code: 'not-allowed', message: 'a patient may only write in their own chat', ref: frame.id });
      return;
    }
    if (!allowed) return;
    if (frame.from.role === 'patient') this.presence.heard(frame.from, true);
    const colleague = frame.from.role === this.role;
    const thread = this.ensureThread(frame.from.role === 'patient' ? frame.from : this.patientOf(frame.thread));
    const seen = this.threads.seenIn(thread.id);
    if (seen.has(frame.id)) {
      // A resend: our receipt was lost. Acknowledge again, show nothing new.
      this.ackIfComplete(thread.id, frame.id);
      return;
    }
    if (thread.ended) {
      this.sendFrame({ type: 'error', from: this.me.id, to: frame.from.id, code: 'chat-ended', message: 'this chat has ended', ref: frame.id });
      return;
    }
    if (frame.from.role === 'patient') this.returned(thread.id);
    seen.add(frame.id);
    this.clock.witness(frame.clock);
    const attachments = this.incoming.expect(frame);
    const { receipt, ...fields } = frame;
    const message: ChatMessage = { ...fields, mine: false, attachments };
    this.threads.insert(thread.id, message);
    if (receipt === 'read') {
      // History this reader had already read (hub resume after a reload): no badge, no alert, no receipt.
      this.readSent.add(frame.id);
      this.ackIfComplete(thread.id, frame.id);
      this.publish();
      return;
    }
    if (this.typing.clear(thread.id, frame.from.id)) this.refreshTyping(thread.id);
    if (thread.id === this.active && this.box === 'minimized' && !colleague && this.role === 'provider') {
      // Minimized means "out of the way until they write": their message brings the box back.
      // A patient's minimized chat stays folded: her launcher counts the care team's messages.
      this.box = 'open';
      this.events.emit('open', { thread: thread.id });
    }
    if (!colleague && !this.isViewing(thread.id)) this.bumpUnread(thread.id);
    this.ackIfComplete(thread.id, frame.id);
    if (this.isViewing(thread.id)) this.markViewed();
    this.publish();
    this.events.emit('message', { thread: thread.id, message: this.threads.find(thread.id, frame.id) ?? message });
  }

  /** Hub mode: one of my own messages that the hub stored before this page loaded, or that I sent from another device. */
  private onOwnStoredMessage(frame: MessageFrame): void {
    if (this.role === 'patient' && frame.thread !== this.me.id) return;
    if (this.threads.find(frame.thread, frame.id)) return; // sent from this page: already shown
    const thread = this.ensureThread(this.role === 'patient' ? this.me : this.patientOf(frame.thread));
    this.clock.witness(frame.clock);
    const attachments = this.incoming.expect(frame);
    // Stored at least; the hub says how far the other side got, from its cursors.
    const { receipt, ...fields } = frame;
    this.threads.insert(thread.id, { ...fields, mine: true, attachments, status: receipt ?? 'sent' });
    this.publish();
  }

  private onChunk(frame: ChunkFrame, mine = false): void {
    if (!(mine || this.mayAct(frame.from, frame.thread))) return;
    const result = this.incoming.add(frame);
    if (result.kind === 'ignored') return;
    if (result.kind === 'misfit') {
      this.fail('invalid', 'attachment chunk does not fit its attachment', frame.message);
      return;
    }
    const message = this.threads.find(frame.thread, frame.message);
    if (message) this.threads.replace(frame.thread, { ...message, attachments: result.update(message.attachments) });
    if (result.complete) this.ackIfComplete(frame.thread, frame.message);
    this.publish();
  }

  private onReceipt(kind: 'delivered' | 'read', from: string, threadId: string, ids: readonly string[]): void {
    // Only the other side's devices acknowledge: the patient for the care team's messages, the care team for the patient's.
    const fromPatient = from === threadId;
    if (this.role === 'patient' ? fromPatient || threadId !== this.me.id : !fromPatient) return;
    this.outbox.receipt(kind, threadId, ids);
    this.publish();
  }

  private onTyping(from: string, threadId: string, active: boolean): void {
    if (!this.mayAct(from, threadId)) return;
    const name = this.presence.peer(from)?.name ?? (from === threadId ? this.threads.get(threadId)?.patient.name : undefined) ?? 'Someone';
    this.typing.set(threadId, from, name, active);
    this.refreshTyping(threadId);
    this.publish();
  }

  private onErrorFrame(code: ErrorCode, message: string, ref?: string): void {
    const threadId = ref ? this.outbox.refused(ref, code) : undefined;
    if (threadId) {
      if (code === 'chat-ended') this.markEnded(threadId);
      this.publish();
    }
    this.fail(code, message, ref);
  }

  /**
   * Whether a peer may act in a thread. Patients act only in their own thread; the care
   * team in any. Returns 'refuse' for a patient writing into someone else's thread.
   */
  private mayAct(from: string, threadId: string, fromRole?: Role): boolean | 'refuse' {
    const role = fromRole ?? (from === threadId ? 'patient' : this.presence.peer(from)?.role ?? (this.role === 'patient' ? 'provider' : 'patient'));
    if (this.role === 'patient') return threadId === this.me.id && role === 'provider';
    if (role === 'patient') return from === threadId ? true : 'refuse';
    return this.threads.has(threadId) || fromRole === 'provider';
  }

  // ---- connection, heartbeat and receipts ----------------------------------------------------

  private onTransport(status: TransportStatus): void {
    this.connection = status === 'up' ? 'online' : status === 'down' ? 'offline' : 'connecting';
    if (status === 'up') {
      this.announce('joined');
      this.outbox.hurry();
    }
    this.publish();
  }

  private tick(): void {
    const now = Date.now();
    this.outbox.flushAll();
    if (now - this.lastBeat >= this.opts.heartbeatMs) this.announce('here');
    let changed = false;
    for (const peer of this.presence.expire((silent) => this.delivery.hasExpired(silent, this.opts.heartbeatMs))) {
      if (peer.role === 'patient') this.setPresent(peer.id, false);
      changed = true;
    }
    if (changed && this.role === 'patient') this.setPresent(this.me.id, this.presence.anyProvider());
    for (const threadId of this.typing.threads()) changed = this.refreshTyping(threadId) || changed;
    if (changed) this.publish();
  }

  private sendFrame(frame: OutgoingFrame): boolean {
    if (!this.started) return false;
    try {
      return this.opts.transport.send(frame);
    } catch (error) {
      if (error instanceof ProtocolError) this.fail(error.code, error.message);
      return false;
    }
  }

  /** Presence carries this page's clock, so a page that reloaded learns where the conversation got to. */
  private announce(state: 'joined' | 'here' | 'left'): void {
    this.lastBeat = Date.now();
    this.sendFrame({
      type: 'presence',
      from: this.me,
      state,
      ...(this.visit ? { visit: this.visit } : {}),
      ...(this.delivery.peersRemember ? { clock: this.clock.now } : {}),
    });
  }

  private ackIfComplete(threadId: string, id: string): void {
    if (this.incoming.awaiting(id)) return;
    const message = this.threads.find(threadId, id);
    // The care team does not acknowledge each other: a receipt means the patient (or the care team) has it.
    if (message && message.from.role === this.role) return;
    this.sendFrame({ type: 'delivered', from: this.me.id, thread: threadId, ids: [id] });
  }

  /** Marks the visible thread read and tells the other side. */
  private markViewed(): void {
    const id = this.active;
    if (!id || !this.isViewing(id)) return;
    const thread = this.threads.get(id);
    if (!thread) return;
    const ids = thread.messages.filter((m) => !m.mine && m.from.role !== this.role && !this.readSent.has(m.id)).map((m) => m.id);
    for (const messageId of ids) this.readSent.add(messageId);
    for (let i = 0; i < ids.length; i += LIMITS.receiptIds) {
      this.sendFrame({ type: 'read', from: this.me.id, thread: id, ids: ids.slice(i, i + LIMITS.receiptIds) });
    }
    if (thread.unread) {
      this.threads.update(id, { unread: 0 });
      this.emitUnread(id);
    }
  }

  // ---- thread bookkeeping ----------------------------------------------------------------

  private ensureThread(patient: Peer, visit?: string): ThreadState {
    return this.threads.ensure(patient, visit ?? (patient.id === this.me.id ? this.visit : undefined), this.role === 'provider');
  }

  private patientOf(threadId: string): Peer {
    return this.threads.get(threadId)?.patient ?? { id: threadId, name: threadId, role: 'patient' };
  }

  /** A dismissed patient who comes back (presence or a message) is a new arrival in the queue. */
  private returned(threadId: string): void {
    if (this.threads.undismiss(threadId)) this.threads.update(threadId, { arrivedAt: Date.now() });
  }

  private newVisit(id: string, visit: string | undefined): void {
    this.retention.newVisit(id);
    this.threads.update(id, { visit, ended: false, cleared: false });
  }

  private isViewing(threadId: string): boolean {
    return this.active === threadId && this.box === 'open' && this.visible;
  }

  private bumpUnread(threadId: string): void {
    const thread = this.threads.get(threadId)!;
    this.threads.update(threadId, { unread: thread.unread + 1 });
    this.emitUnread(threadId);
  }

  private emitUnread(threadId: string): void {
    const total = this.threads.list().reduce((sum, t) => sum + t.unread, 0);
    this.events.emit('unread', { thread: threadId, unread: this.threads.get(threadId)?.unread ?? 0, total });
  }

  private setPresent(threadId: string, present: boolean): void {
    const thread = this.threads.get(threadId);
    if (!thread || thread.present === present) return;
    this.threads.update(threadId, { present, ...(present ? {} : { typing: [] }) });
    if (present) this.outbox.hurry(threadId);
    this.events.emit('presence', { thread: threadId, present });
  }

  private markEnded(threadId: string): void {
    const thread = this.threads.get(threadId);
    if (!thread || thread.ended) return;
    this.threads.update(threadId, { ended: true, typing: [] });
    this.outbox.failThread(threadId);
    this.events.emit('ended', { thread: threadId });
  }

  /** `view` retention: the thread's content leaves memory (pending sends still complete). */
  private erase(threadId: string): void {
    for (const message of this.threads.get(threadId)?.messages ?? []) this.incoming.forget(message.id);
    this.threads.erase(threadId);
  }

  private refreshTyping(threadId: string): boolean {
    const names = this.typing.names(threadId);
    const thread = this.threads.get(threadId);
    if (!thread || sameList(thread.typing, names)) return false;
    this.threads.update(threadId, { typing: names });
    return true;
  }

  private async readFile(file: Blob, full = true): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
    try {
      return await readAttachment(file, this.opts.maxFileBytes, full);
    } catch (error) {
      if (error instanceof ProtocolError) throw this.fail(error.code, error.message);
      throw error;
    }
  }

  /** Emits an error event and returns the typed error, for callers that also reject with it. */
  private fail(code: ErrorCode, message: string, ref?: string): ProtocolError {
    const error = new ProtocolError(code, message, ref);
    this.events.emit('error', { code, message, ...(ref ? { ref } : {}) });
    return error;
  }

  /** Where the other side of a thread is: the one source for every line of status text. */
  private peerStateOf(thread: ThreadState): PeerState {
    if (this.connection === 'refused') return 'unavailable';
    if (thread.ended) return 'ended';
    if (this.role === 'provider' && !thread.present) return 'left';
    if (this.connection === 'offline') return 'offline';
    if (this.role === 'patient') return thread.present ? 'here' : 'waiting';
    return thread.inCall ? 'in-call' : 'waiting';
  }

  private publish(): void {
    for (const thread of this.threads.list()) {
      const peerState = this.peerStateOf(thread);
      if (peerState !== thread.peerState) this.threads.update(thread.id, { peerState });
    }
    const threads = this.threads.list();
    this.snapshot = {
      me: this.me,
      role: this.role,
      retention: this.opts.retention,
      connection: this.connection,
      threads,
      active: this.active,
      box: this.box,
      notifications: this.notifications,
      totalUnread: threads.reduce((sum, t) => sum + t.unread, 0),
      wouldLoseOnUnload: this.delivery.kind === 'peer' && threads.some((t) => t.messages.length > 0),
    };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
