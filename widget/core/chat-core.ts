// The framework-free chat core: a small façade that wires the threads, the box, inbound
// frames, the outbox, presence, typing, attachments and retention. It talks to the world only
// through a Transport (with the hub-or-peer difference in one Delivery object) and publishes
// immutable snapshots; elements render those and call its methods.
import { LIMITS, ProtocolError, type ErrorCode, type OutgoingFrame, type Peer, type Role } from '../../protocol/index.js';
import type { Transport, TransportStatus } from '../transports/transport.js';
import { DEFAULT_MAX_FILE_BYTES, IncomingAttachments } from './attachments.js';
import { Box } from './box.js';
import { OrderingClock } from './clock.js';
import { deliveryFor, type Delivery } from './delivery.js';
import { Emitter } from './emitter.js';
import { Inbound } from './inbound.js';
import { ThreadLifecycle } from './lifecycle.js';
import { Outbox } from './outbox.js';
import { Presence } from './presence.js';
import { retentionPolicy, type RetentionPolicy } from './retention.js';
import { Sender } from './sending.js';
import { refreshPeerStates, snapshot } from './snapshot.js';
import { ThreadStore } from './threads.js';
import { Typing } from './typing.js';
import type { ChatMessage, ChatState, Connection, CoreEventMap, QueueEntry, Retention } from './types.js';

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
  /**
   * Care team, hub mode: a patient who is not here can still be written to (the hub stores the
   * reply; they read it when they come back), so an absent patient is `away`, not `left`. The
   * shared inbox works this way; the live chat page does not.
   */
  repliesWhileAway?: boolean;
}

/**
 * One person's chat: a patient's conversation with the care team, or a clinician's queue of
 * patients with the thread in view. Plain TypeScript with no DOM; `<clinic-chat>` renders its
 * `state` and calls its methods, and a custom UI can do the same.
 *
 * A host builds one with its identity and a transport (`LocalTransport` between tabs,
 * `PortTransport` over a data channel, `HubTransport` to a hub), subscribes to the snapshots
 * and the events, and starts it. Every method that acts (`open`, `send`, `end`…) publishes a
 * new snapshot; a refusal is an `error` event (and a rejected promise from `send`).
 *
 * @example
 * ```ts
 * const core = new ChatCore({ me: { id: 'dr-lee', name: 'Dr Lee', role: 'provider' }, transport: new LocalTransport('clinic') });
 * const off = core.subscribe((state) => renderQueue(state.threads, state.active, state.box));
 * core.events.on('unread', ({ total }) => setBadge(total));
 * core.events.on('error', ({ message }) => toast(message));
 * core.start();
 * core.open('ana'); // Ana's thread in the box; her badge clears and she gets read receipts
 * await core.send('Hello Ana, how can I help?'); // rejects with a ProtocolError when refused
 * off();
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
  private readonly typing: Typing;
  private readonly retention: RetentionPolicy;
  private readonly life: ThreadLifecycle;
  private readonly box: Box;
  private readonly inbound: Inbound;
  private readonly sender: Sender;
  private visit?: string;
  private connection: Connection = 'connecting';
  private notifications = false;
  private started = false;
  private lastBeat = 0;
  private timer?: ReturnType<typeof setInterval>;
  private snapshot!: ChatState;
  private readonly listeners = new Set<(state: ChatState) => void>();

  constructor(options: ChatCoreOptions) {
    this.opts = { retention: 'session', maxFileBytes: DEFAULT_MAX_FILE_BYTES, heartbeatMs: 5000, retryMs: 2000, maxRetryMs: 30000, repliesWhileAway: false, ...options };
    this.setMaxFileBytes(this.opts.maxFileBytes);
    const me = (this.me = options.me);
    const { events, clock, presence } = this;
    const incoming = new IncomingAttachments();
    const send = (frame: OutgoingFrame) => this.sendFrame(frame);
    const fail = (code: ErrorCode, message: string, ref?: string) => this.fail(code, message, ref);
    this.visit = options.visit;
    this.delivery = deliveryFor(options.transport);
    const threads = (this.threads = new ThreadStore(this.delivery.compare));
    this.typing = new Typing(threads);
    this.retention = retentionPolicy(this.opts.retention, (id) => this.life.erase(id));
    const { delivery, typing, retention } = this;
    const { retryMs, maxRetryMs } = this.opts;
    const counterpartPresent = (id: string) => threads.get(id)?.present ?? false;
    const outbox = (this.outbox = new Outbox({ store: threads, delivery, clock, send, counterpartPresent, retryMs, maxRetryMs }));
    const life = (this.life = new ThreadLifecycle({ me, threads, events, outbox, incoming, retention, visit: () => this.visit, fail }));
    const box = (this.box = new Box({ me, threads, events, retention, send, fail }));
    this.inbound = new Inbound({
      ...{ me, threads, life, box, presence, typing, incoming, clock, delivery, outbox, events, send, fail },
      announceHere: () => this.announce('here'),
      publish: () => this.publish(),
    });
    this.sender = new Sender({ me, threads, clock, outbox, typing, maxFileBytes: () => this.opts.maxFileBytes, fail, repliesWhileAway: this.opts.repliesWhileAway });
    if (this.role === 'patient') life.ensure(me, this.visit);
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
      frame: (frame) => this.inbound.receive(frame),
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

  // ---- box and queue (the rules are in box.ts) ----------------------------------------------

  /** Shows a patient's thread in the box (provider), or re-opens the patient's own box. */
  open(patientId?: string): void {
    this.acted('open', this.box.open(patientId));
  }

  minimize(): void {
    this.acted('minimize', this.box.minimize());
  }

  close(): void {
    this.acted('close', this.box.close());
  }

  /**
   * Provider: removes a patient who has left from the queue (in `view` retention their
   * thread is erased). Refused with a `not-allowed` error for a patient who is still here.
   * A dismissed patient who comes back is queued again as a new arrival.
   */
  dismiss(patientId: string): void {
    if (!this.life.dismiss(patientId)) return;
    this.box.dismissed(patientId);
    this.publish();
  }

  /** Page visibility: messages that arrive while the page is hidden count as unread. */
  setVisible(visible: boolean): void {
    this.box.setVisible(visible);
    this.publish();
  }

  /** The per-attachment limit for files checked and sent from now on, capped by the protocol's 10 MB. */
  setMaxFileBytes(bytes: number): void {
    this.opts.maxFileBytes = Math.min(bytes, LIMITS.attachmentBytes);
  }

  setNotifications(on: boolean): void {
    this.notifications = on;
    this.publish();
  }

  /** A new visit is a new call: `view` retention erases everything, and an ended chat may start again. */
  setVisit(visit: string | undefined): void {
    if (visit === this.visit) return;
    this.visit = visit;
    if (this.role === 'patient') this.life.newVisit(this.me.id, visit);
    else for (const id of this.threads.ids()) this.retention.newVisit(id);
    this.announce('joined');
    this.publish();
  }

  /** Provider: the host owns the queue (patients it knows are waiting or in the call). */
  setQueue(entries: readonly QueueEntry[]): void {
    if (this.role !== 'provider') return;
    for (const entry of entries) this.life.fromQueue(entry);
    this.publish();
  }

  // ---- sending ---------------------------------------------------------------------------

  /**
   * Sends a message on the active thread. Rejects with a ProtocolError (and changes nothing)
   * when the text is too long, a file is too large or of another type, or the chat has ended.
   */
  async send(text: string, files: readonly Blob[] = []): Promise<ChatMessage> {
    const message = await this.sender.send(this.role === 'patient' ? this.me.id : this.box.active, text, files);
    this.publish();
    return message;
  }

  /** Checks a file before it is attached; resolves to the error the send would give, or null. */
  checkFile(file: Blob): Promise<ProtocolError | null> {
    return this.sender.check(file);
  }

  setTyping(active: boolean): void {
    const thread = this.role === 'patient' ? this.me.id : this.box.active;
    if (!thread || !this.typing.shouldSignal(active)) return;
    this.sendFrame({ type: 'typing', from: this.me.id, thread, active });
  }

  /** Ends the chat in the active thread (provider) or the patient's own chat. */
  end(): void {
    const id = this.role === 'patient' ? this.me.id : this.box.active;
    if (!id || this.threads.get(id)?.ended) return;
    this.sendFrame({ type: 'ended', from: this.me.id, thread: id, at: Date.now() });
    this.life.markEnded(id);
    this.publish();
  }

  // ---- connection and heartbeat (inbound frames are in inbound.ts) ---------------------------

  private onTransport(status: TransportStatus): void {
    this.connection = status === 'up' ? 'online' : status === 'down' ? 'offline' : 'connecting';
    if (status === 'up') {
      this.announce('joined');
      this.outbox.hurry();
    }
    this.publish();
  }

  private tick(): void {
    this.outbox.flushAll();
    if (Date.now() - this.lastBeat >= this.opts.heartbeatMs) this.announce('here');
    const gone = this.life.expireSilent(this.presence, (silent) => this.delivery.hasExpired(silent, this.opts.heartbeatMs));
    if (this.typing.expire() || gone) this.publish();
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

  /** Emits an error event and returns the typed error, for callers that also reject with it. */
  private fail(code: ErrorCode, message: string, ref?: string): ProtocolError {
    const error = new ProtocolError(code, message, ref);
    this.events.emit('error', { code, message, ...(ref ? { ref } : {}) });
    return error;
  }

  /** A box action took effect: the new state first, then the event, so a listener reads what it describes. */
  private acted(name: 'open' | 'minimize' | 'close', thread: string | undefined): void {
    if (thread === undefined) return;
    this.publish();
    this.events.emit(name, { thread });
  }

  private publish(): void {
    refreshPeerStates(this.threads, this.role, this.connection, this.opts.repliesWhileAway);
    this.snapshot = snapshot({
      me: this.me,
      retention: this.opts.retention,
      connection: this.connection,
      threads: this.threads.list(),
      active: this.box.active,
      box: this.box.state,
      notifications: this.notifications,
      ephemeral: this.delivery.kind === 'peer',
    });
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
