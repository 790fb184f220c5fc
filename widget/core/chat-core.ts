// The framework-free chat core: threads, outbox, receipts, unread counts, typing, presence,
// box state and retention. It talks to the world only through a Transport and publishes
// immutable snapshots; elements render those and call its methods.
import { nanoid } from 'nanoid';
import {
  ChunkAssembler,
  LIMITS,
  ProtocolError,
  sniffType,
  splitChunks,
  type AttachmentMeta,
  type AckFrame,
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

import { Emitter } from './emitter.js';
import type {
  AttachmentView,
  BoxState,
  ChatMessage,
  ChatState,
  Connection,
  CoreEventMap,
  FailReason,
  QueueEntry,
  Retention,
  ThreadState,
} from './types.js';

export interface ChatCoreOptions {
  me: Peer;
  transport: Transport;
  retention?: Retention;
  visit?: string;
  /** Per-attachment limit in bytes (capped by the protocol's). */
  maxFileBytes?: number;
  /** How often presence is repeated; a peer silent for three periods has left. */
  heartbeatMs?: number;
  /** First retry delay for unacknowledged messages; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** An outgoing message the peer has not yet acknowledged. Kept even if the thread is erased from view. */
interface Pending {
  frame: Omit<MessageFrame, 'v'>;
  chunks: Omit<ChunkFrame, 'v'>[];
  attempts: number;
  nextAt: number;
}

interface Incoming {
  assemblers: Map<string, ChunkAssembler>;
}

const TYPING_SEND_EVERY_MS = 3000;
const TYPING_EXPIRES_MS = 6000;

export class ChatCore {
  readonly events = new Emitter<CoreEventMap>();
  private readonly opts: Required<Omit<ChatCoreOptions, 'visit'>>;
  private readonly me: Peer;
  private visit?: string;
  private connection: Connection = 'connecting';
  private threads = new Map<string, ThreadState>();
  private active: string | null = null;
  private box: BoxState = 'open';
  private notifications = false;
  private visible = true;
  private clock = 0;
  private started = false;
  private readonly pending = new Map<string, Pending>();
  private readonly incoming = new Map<string, Incoming>();
  /** Ids of every message seen per thread; kept through erasure so a late resend is not shown again. */
  private readonly seen = new Map<string, Set<string>>();
  /** Incoming ids we have reported read. */
  private readonly readSent = new Set<string>();
  /** Last time each peer was heard, for presence expiry. */
  private readonly lastHeard = new Map<string, { peer: Peer; at: number }>();
  private readonly typingUntil = new Map<string, Map<string, { name: string; until: number }>>();
  private typingSentAt = 0;
  private lastBeat = 0;
  private timer?: ReturnType<typeof setInterval>;
  private snapshot!: ChatState;
  private readonly listeners = new Set<(state: ChatState) => void>();

  constructor(options: ChatCoreOptions) {
    this.opts = {
      retention: 'session',
      maxFileBytes: LIMITS.attachmentBytes,
      heartbeatMs: 5000,
      retryMs: 2000,
      maxRetryMs: 30000,
      ...options,
    };
    this.opts.maxFileBytes = Math.min(this.opts.maxFileBytes, LIMITS.attachmentBytes);
    this.me = options.me;
    this.visit = options.visit;
    if (this.role === 'patient') {
      this.ensureThread(this.me);
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
    this.sendFrame({ type: 'presence', from: this.me, state: 'left', ...(this.visit ? { visit: this.visit } : {}) });
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
    if (previous && previous !== id && this.opts.retention === 'view') this.erase(previous);
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
    if (this.opts.retention === 'view') this.erase(id);
    this.publish();
    this.events.emit('close', { thread: id });
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
    if (this.role === 'patient') {
      if (this.opts.retention === 'view') this.erase(this.me.id);
      this.updateThread(this.me.id, { ended: false, visit });
    } else if (this.opts.retention === 'view') {
      for (const id of this.threads.keys()) this.erase(id);
    }
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
      if (entry.name !== thread.patient.name) this.updateThread(entry.id, { patient });
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
      clock: ++this.clock,
      ...(metas.length ? { attachments: metas } : {}),
    };
    const message: ChatMessage = { ...frame, mine: true, attachments: views, status: 'sending' };
    this.insertMessage(thread.id, message);
    this.pending.set(id, { frame, chunks, attempts: 0, nextAt: 0 });
    this.typingSentAt = 0;
    this.flush(id);
    this.publish();
    return this.findMessage(thread.id, id) ?? message;
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
      // Through a hub, my own stored messages come back on resume (after a reload) and from my
      // other devices: they are history, not echoes. Anything else of mine is an echo.
      if (this.viaHub && frame.type === 'message' && frame.seq !== undefined) this.onOwnStoredMessage(frame);
      else if (this.viaHub && frame.type === 'chunk' && this.incoming.has(frame.message)) this.onChunk(frame, true);
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
        // A hub addresses its errors to this socket only; peers name the recipient.
        if (frame.to !== this.me.id && !(this.viaHub && frame.to === undefined)) return;
        return this.onErrorFrame(frame.code, frame.message, frame.ref);
      case 'ack':
        return this.onAck(frame);
      default:
        // Session frames (auth, ready, resume, synced) belong to the transport.
        return;
    }
  }

  /** Hub mode: the message is stored under `seq`; it is *sent*, and no longer needs resending. */
  private onAck(frame: AckFrame): void {
    const pending = this.pending.get(frame.id);
    if (pending) this.pending.delete(frame.id);
    const message = this.findMessage(frame.thread, frame.id);
    if (!message?.mine) return;
    const status = message.status === 'sending' || message.status === 'failed' ? 'sent' : message.status;
    this.removeMessage(frame.thread, frame.id);
    this.insertMessage(frame.thread, { ...message, seq: frame.seq, status });
    this.publish();
  }

  private get viaHub(): boolean {
    return this.opts.transport.kind === 'hub';
  }

  private onPresence(frame: PresenceFrame): void {
    const peer = frame.from;
    if (this.role === 'patient') {
      // Patients track the care team only; other patients stay invisible to them.
      if (peer.role !== 'provider') return;
      if (frame.state === 'joined') this.announce('here');
      this.heard(peer, frame.state !== 'left');
      this.updatePatientPresence();
    } else {
      if (frame.state === 'joined') this.announce('here');
      if (peer.role !== 'patient') return;
      const known = this.threads.get(peer.id);
      this.ensureThread(peer, frame.visit);
      if (!known && frame.state !== 'left') this.events.emit('presence', { thread: peer.id, present: true });
      if (known && frame.visit && known.visit !== frame.visit) this.newVisit(peer.id, frame.visit);
      if (known && known.patient.name !== peer.name) this.updateThread(peer.id, { patient: peer });
      this.heard(peer, frame.state !== 'left');
      this.setPresent(peer.id, frame.state !== 'left');
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
    if (frame.from.role === 'patient') this.heard(frame.from, true);
    const colleague = frame.from.role === this.role;
    const thread = this.ensureThread(
      frame.from.role === 'patient' ? frame.from : this.threads.get(frame.thread)?.patient ?? { id: frame.thread, name: frame.thread, role: 'patient' },
    );
    const seen = this.seenIn(thread.id);
    if (seen.has(frame.id)) {
      // A resend: our receipt was lost. Acknowledge again, show nothing new.
      this.ackIfComplete(thread.id, frame.id);
      return;
    }
    if (thread.ended) {
      this.sendFrame({ type: 'error', from: this.me.id, to: frame.from.id, code: 'chat-ended', message: 'this chat has ended', ref: frame.id });
      return;
    }
    seen.add(frame.id);
    this.clock = Math.max(this.clock, frame.clock) + 1;
    const attachments = this.expectChunks(frame);
    const { receipt, ...fields } = frame;
    const message: ChatMessage = { ...fields, mine: false, attachments };
    this.insertMessage(thread.id, message);
    if (receipt === 'read') {
      // History this reader had already read (hub resume after a reload): no badge, no alert, no receipt.
      this.readSent.add(frame.id);
      this.ackIfComplete(thread.id, frame.id);
      this.publish();
      return;
    }
    this.clearTyping(thread.id, frame.from.id);
    if (thread.id === this.active && this.box === 'minimized' && !colleague) {
      // Minimized means "out of the way until they write": their message brings the box back.
      this.box = 'open';
      this.events.emit('open', { thread: thread.id });
    }
    if (!colleague && !this.isViewing(thread.id)) this.bumpUnread(thread.id);
    this.ackIfComplete(thread.id, frame.id);
    if (this.isViewing(thread.id)) this.markViewed();
    this.publish();
    this.events.emit('message', { thread: thread.id, message: this.findMessage(thread.id, frame.id) ?? message });
  }

  /** Hub mode: one of my own messages that the hub stored before this page loaded, or that I sent from another device. */
  private onOwnStoredMessage(frame: MessageFrame): void {
    if (this.role === 'patient' && frame.thread !== this.me.id) return;
    if (this.findMessage(frame.thread, frame.id)) return; // sent from this page: already shown
    const thread = this.ensureThread(this.role === 'patient' ? this.me : this.threads.get(frame.thread)?.patient ?? { id: frame.thread, name: frame.thread, role: 'patient' });
    this.clock = Math.max(this.clock, frame.clock) + 1;
    const attachments = this.expectChunks(frame);
    // Stored at least; the hub says how far the other side got, from its cursors.
    const { receipt, ...fields } = frame;
    this.insertMessage(thread.id, { ...fields, mine: true, attachments, status: receipt ?? 'sent' });
    this.publish();
  }

  /** The attachments a message announces, with their chunks awaited. */
  private expectChunks(frame: MessageFrame): AttachmentView[] {
    const attachments: AttachmentView[] = (frame.attachments ?? []).map((meta) => ({ ...meta, progress: 0 }));
    if (attachments.length) {
      this.incoming.set(frame.id, {
        assemblers: new Map(attachments.map((a) => [a.id, new ChunkAssembler(Math.ceil(a.size / LIMITS.chunkBytes), a.size)])),
      });
    }
    return attachments;
  }

  private onChunk(frame: ChunkFrame, mine = false): void {
    const entry = this.incoming.get(frame.message);
    const assembler = entry?.assemblers.get(frame.attachment);
    if (!entry || !assembler || !(mine || this.mayAct(frame.from, frame.thread))) return;
    if (!assembler.add(frame.index, frame.count, frame.data)) {
      this.fail('invalid', 'attachment chunk does not fit its attachment', frame.message);
      return;
    }
    const message = this.findMessage(frame.thread, frame.message);
    if (message) {
      const attachments = message.attachments.map((a) =>
        a.id !== frame.attachment
          ? a
          : { ...a, progress: assembler.progress, ...(assembler.complete ? { blob: new Blob([assembler.bytesOut() as BlobPart], { type: a.mime }) } : {}) },
      );
      this.replaceMessage(frame.thread, { ...message, attachments });
    }
    if ([...entry.assemblers.values()].every((a) => a.complete)) {
      this.incoming.delete(frame.message);
      this.ackIfComplete(frame.thread, frame.message);
    }
    this.publish();
  }

  private onReceipt(kind: 'delivered' | 'read', from: string, threadId: string, ids: readonly string[]): void {
    // Only the other side's devices acknowledge: the patient for the care team's messages, the care team for the patient's.
    const fromPatient = from === threadId;
    if (this.role === 'patient' ? fromPatient || threadId !== this.me.id : !fromPatient) return;
    for (const id of ids) {
      const pending = this.pending.get(id);
      if (pending && pending.frame.thread === threadId) this.pending.delete(id);
      const message = this.findMessage(threadId, id);
      if (!message?.mine || message.status === 'failed') continue;
      if (message.status === 'read' && kind === 'delivered') continue;
      this.replaceMessage(threadId, { ...message, status: kind });
    }
    this.publish();
  }

  private onTyping(from: string, threadId: string, active: boolean): void {
    if (!this.mayAct(from, threadId)) return;
    const name = this.lastHeard.get(from)?.peer.name ?? (from === threadId ? this.threads.get(threadId)?.patient.name : undefined) ?? 'Someone';
    const map = this.typingUntil.get(threadId) ?? new Map();
    this.typingUntil.set(threadId, map);
    if (active) map.set(from, { name, until: Date.now() + TYPING_EXPIRES_MS });
    else map.delete(from);
    this.refreshTyping(threadId);
    this.publish();
  }

  private onErrorFrame(code: ErrorCode, message: string, ref?: string): void {
    const pending = ref ? this.pending.get(ref) : undefined;
    if (pending && ref && isFinal(code)) {
      this.pending.delete(ref);
      this.setStatus(pending.frame.thread, ref, 'failed', code);
      if (code === 'chat-ended') this.markEnded(pending.frame.thread);
      this.publish();
    }
    this.fail(code, message, ref);
  }

  /**
   * Whether a peer may act in a thread. Patients act only in their own thread; the care
   * team in any. Returns 'refuse' for a patient writing into someone else's thread.
   */
  private mayAct(from: string, threadId: string, fromRole?: Role): boolean | 'refuse' {
    const role = fromRole ?? (from === threadId ? 'patient' : this.lastHeard.get(from)?.peer.role ?? (this.role === 'patient' ? 'provider' : 'patient'));
    if (this.role === 'patient') return threadId === this.me.id && role === 'provider';
    if (role === 'patient') return from === threadId ? true : 'refuse';
    return this.threads.has(threadId) || fromRole === 'provider';
  }

  // ---- outbox ----------------------------------------------------------------------------

  private onTransport(status: TransportStatus): void {
    this.connection = status === 'up' ? 'online' : status === 'down' ? 'offline' : 'connecting';
    if (status === 'up') {
      this.announce('joined');
      for (const pending of this.pending.values()) pending.nextAt = 0;
      this.flushAll();
    }
    this.publish();
  }

  private tick(): void {
    const now = Date.now();
    this.flushAll();
    if (now - this.lastBeat >= this.opts.heartbeatMs) this.announce('here');
    const expiry = this.opts.heartbeatMs * 3;
    let changed = false;
    for (const [id, heard] of this.lastHeard) {
      // A hub's presence is authoritative: it says `left` itself.
      if (this.viaHub || now - heard.at <= expiry) continue;
      this.lastHeard.delete(id);
      if (heard.peer.role === 'patient') this.setPresent(id, false);
      changed = true;
    }
    if (changed && this.role === 'patient') this.updatePatientPresence();
    for (const threadId of this.typingUntil.keys()) changed = this.refreshTyping(threadId) || changed;
    if (changed) this.publish();
  }

  private flushAll(): void {
    for (const id of this.pending.keys()) this.flush(id);
  }

  /** Sends (or resends) one pending message with its chunks, if its time has come. */
  private flush(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    const now = Date.now();
    if (now < pending.nextAt || !this.counterpartPresent(pending.frame.thread, pending.attempts)) return;
    if (!this.sendFrame(pending.frame)) return;
    for (const chunk of pending.chunks) if (!this.sendFrame(chunk)) return;
    pending.attempts++;
    pending.nextAt = now + Math.min(this.opts.retryMs * 2 ** (pending.attempts - 1), this.opts.maxRetryMs);
    const message = this.findMessage(pending.frame.thread, id);
    // Through a hub, *sent* means stored: it waits for the ack.
    if (message?.status === 'sending' && !this.viaHub) this.setStatus(pending.frame.thread, id, 'sent');
  }

  /** The first attempt always goes out; retries wait for someone on the other side (or a hub, which stores). */
  private counterpartPresent(threadId: string, attempts: number): boolean {
    if (attempts === 0 || this.viaHub) return true;
    return this.threads.get(threadId)?.present ?? false;
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

  private announce(state: 'joined' | 'here'): void {
    this.lastBeat = Date.now();
    this.sendFrame({ type: 'presence', from: this.me, state, ...(this.visit ? { visit: this.visit } : {}) });
  }

  private ackIfComplete(threadId: string, id: string): void {
    if (this.incoming.has(id)) return;
    const message = this.findMessage(threadId, id);
    // The care team does not acknowledge each other: a receipt means the patient (or the care team) has it.
    if (message && message.from.role === this.role) return;
    this.sendFrame({ type: 'delivered', from: this.me.id, thread: threadId, ids: [id] });
  }

  // ---- thread bookkeeping ----------------------------------------------------------------

  private ensureThread(patient: Peer, visit?: string): ThreadState {
    const existing = this.threads.get(patient.id);
    if (existing) return existing;
    const thread: ThreadState = {
      id: patient.id,
      patient,
      ...(visit ?? (patient.id === this.me.id ? this.visit : undefined) ? { visit: visit ?? this.visit } : {}),
      present: this.role === 'provider',
      ended: false,
      messages: [],
      unread: 0,
      typing: [],
      since: Date.now(),
    };
    this.threads.set(patient.id, thread);
    return thread;
  }

  private updateThread(id: string, patch: Partial<ThreadState>): void {
    const thread = this.threads.get(id);
    if (thread) this.threads.set(id, { ...thread, ...patch });
  }

  private newVisit(id: string, visit: string): void {
    if (this.opts.retention === 'view') this.erase(id);
    this.updateThread(id, { visit, ended: false });
  }

  private insertMessage(threadId: string, message: ChatMessage): void {
    const thread = this.threads.get(threadId)!;
    const messages = [...thread.messages];
    let at = messages.length;
    while (at > 0 && compare(messages[at - 1], message) > 0) at--;
    messages.splice(at, 0, message);
    this.threads.set(threadId, { ...thread, messages });
  }

  private removeMessage(threadId: string, id: string): void {
    const thread = this.threads.get(threadId);
    if (thread) this.threads.set(threadId, { ...thread, messages: thread.messages.filter((m) => m.id !== id) });
  }

  private findMessage(threadId: string, id: string): ChatMessage | undefined {
    return this.threads.get(threadId)?.messages.find((m) => m.id === id);
  }

  private replaceMessage(threadId: string, message: ChatMessage): void {
    const thread = this.threads.get(threadId);
    if (!thread) return;
    this.threads.set(threadId, { ...thread, messages: thread.messages.map((m) => (m.id === message.id ? message : m)) });
  }

  private setStatus(threadId: string, id: string, status: ChatMessage['status'], reason?: FailReason): void {
    const message = this.findMessage(threadId, id);
    if (message) this.replaceMessage(threadId, { ...message, status, ...(reason ? { reason } : {}) });
  }

  private seenIn(threadId: string): Set<string> {
    let seen = this.seen.get(threadId);
    if (!seen) this.seen.set(threadId, (seen = new Set()));
    return seen;
  }

  private isViewing(threadId: string): boolean {
    return this.active === threadId && this.box === 'open' && this.visible;
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
      this.updateThread(id, { unread: 0 });
      this.emitUnread(id);
    }
  }

  private bumpUnread(threadId: string): void {
    const thread = this.threads.get(threadId)!;
    this.updateThread(threadId, { unread: thread.unread + 1 });
    this.emitUnread(threadId);
  }

  private emitUnread(threadId: string): void {
    const total = [...this.threads.values()].reduce((sum, t) => sum + t.unread, 0);
    this.events.emit('unread', { thread: threadId, unread: this.threads.get(threadId)?.unread ?? 0, total });
  }

  private setPresent(threadId: string, present: boolean): void {
    const thread = this.threads.get(threadId);
    if (!thread || thread.present === present) return;
    this.updateThread(threadId, { present, ...(present ? {} : { typing: [] }) });
    if (present) for (const [id, p] of this.pending) if (p.frame.thread === threadId) (p.nextAt = 0), this.flush(id);
    this.events.emit('presence', { thread: threadId, present });
  }

  private updatePatientPresence(): void {
    const present = [...this.lastHeard.values()].some((h) => h.peer.role === 'provider');
    this.setPresent(this.me.id, present);
  }

  private heard(peer: Peer, here: boolean): void {
    if (here) this.lastHeard.set(peer.id, { peer, at: Date.now() });
    else this.lastHeard.delete(peer.id);
  }

  private markEnded(threadId: string): void {
    const thread = this.threads.get(threadId);
    if (!thread || thread.ended) return;
    this.updateThread(threadId, { ended: true, typing: [] });
    for (const [id, p] of this.pending) {
      if (p.frame.thread !== threadId) continue;
      const status = this.findMessage(threadId, id)?.status;
      this.pending.delete(id);
      if (status === 'sending') this.setStatus(threadId, id, 'failed', 'chat-ended');
    }
    this.events.emit('ended', { thread: threadId });
  }

  /** `view` retention: the thread's content leaves memory (pending sends still complete). */
  private erase(threadId: string): void {
    const thread = this.threads.get(threadId);
    if (!thread) return;
    for (const message of thread.messages) this.incoming.delete(message.id);
    this.updateThread(threadId, { messages: [], unread: 0, typing: [] });
  }

  private clearTyping(threadId: string, from: string): void {
    if (this.typingUntil.get(threadId)?.delete(from)) this.refreshTyping(threadId);
  }

  private refreshTyping(threadId: string): boolean {
    const map = this.typingUntil.get(threadId);
    const now = Date.now();
    for (const [id, t] of map ?? []) if (t.until < now) map!.delete(id);
    const names = [...(map?.values() ?? [])].map((t) => t.name);
    const thread = this.threads.get(threadId);
    if (!thread || sameList(thread.typing, names)) return false;
    this.updateThread(threadId, { typing: names });
    return true;
  }

  private async readFile(file: Blob, full = true): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
    const name = ('name' in file && typeof file.name === 'string' && file.name ? file.name : 'attachment').slice(0, 200);
    if (file.size > this.opts.maxFileBytes) {
      throw this.fail('too-large', `${name} is ${formatBytes(file.size)}; the limit is ${formatBytes(this.opts.maxFileBytes)}`);
    }
    if (file.size === 0) throw this.fail('invalid', `${name} is empty`);
    const head = new Uint8Array(await (full ? file : file.slice(0, 16)).arrayBuffer());
    const mime = sniffType(head);
    if (!mime) throw this.fail('unsupported-type', `${name} is not an image (PNG, JPEG, GIF, WebP) or a PDF`);
    return { meta: { id: nanoid(), name, mime, size: file.size }, bytes: head };
  }

  /** Emits an error event and returns the typed error, for callers that also reject with it. */
  private fail(code: ErrorCode, message: string, ref?: string): ProtocolError {
    const error = new ProtocolError(code, message, ref);
    this.events.emit('error', { code, message, ...(ref ? { ref } : {}) });
    return error;
  }

  private publish(): void {
    const threads = [...this.threads.values()].sort((a, b) => a.since - b.since);
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
    };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}

const FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set<FailReason>(['not-allowed', 'chat-ended', 'too-large', 'opted-out', 'unsupported-type', 'not-found', 'invalid']);

/**
 * A refusal that no resend can change fails the message; the others (`rate-limited`,
 * `overloaded`, `internal`: the hub is busy) leave it in the outbox to be retried with backoff.
 */
function isFinal(code: ErrorCode): code is FailReason {
  return FINAL_REFUSALS.has(code);
}

/** The hub's sequence numbers order what it stored; the Lamport clock orders the rest. */
function compare(a: ChatMessage, b: ChatMessage): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  return a.clock - b.clock || (a.from.id < b.from.id ? -1 : a.from.id > b.from.id ? 1 : 0);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}
