// The chat state that the core publishes and the elements render. Snapshots are immutable:
// every change produces a new object, so `===` tells a renderer what changed.
import type { AttachmentMeta, ErrorCode, Peer, Role } from '../../protocol/index.js';

export type Retention = 'session' | 'view';
/** `refused`: the hub will not take this page (its origin is not allowed); retrying cannot help. */
export type Connection = 'connecting' | 'online' | 'offline' | 'refused';
/** Where the current box is: open, folded to its header (re-opens on that patient's next message), or closed (stays closed). */
export type BoxState = 'open' | 'minimized' | 'closed';
export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
export type FailReason = Extract<ErrorCode, 'too-large' | 'chat-ended' | 'not-allowed' | 'opted-out' | 'unsupported-type' | 'not-found' | 'invalid'>;

export interface AttachmentView extends AttachmentMeta {
  /** The bytes, once every chunk has arrived (always present for attachments we sent). */
  readonly blob?: Blob;
  /** Share of the bytes received, 0..1. */
  readonly progress: number;
}

export interface ChatMessage {
  readonly id: string;
  readonly thread: string;
  readonly from: Peer;
  readonly text: string;
  /** Sender's wall-clock time (ms), for display only. */
  readonly at: number;
  /** Lamport clock: ordering that keeps a reply after what it answers whatever the device clocks say. */
  readonly clock: number;
  /** Hub mode: the conversation's sequence number, once the hub has stored the message. */
  readonly seq?: number;
  readonly mine: boolean;
  readonly attachments: readonly AttachmentView[];
  /** Delivery status; set on our own messages only. */
  readonly status?: MessageStatus;
  readonly reason?: FailReason;
}

/**
 * The one answer to "where is the other side of this thread?", derived once by the core so
 * every line of text about it (header, banner, queue) says the same thing.
 * - `unavailable`: the hub refused this page; nothing can be sent.
 * - `ended`: the chat is over; no more sending on either side.
 * - `left` (care team's view): the patient has gone; no more sending.
 * - `away` (care team's view, shared inbox): the patient is not here; a reply is stored and read when they come back.
 * - `offline`: this page has lost its connection; messages wait in the outbox.
 * - `in-call` (care team's view): the patient is in the video call (the host's queue says so).
 * - `waiting`: care team's view: the patient is in the queue; patient's view: no one from the care team is here yet.
 * - `here` (patient's view): someone from the care team is here.
 */
export type PeerState = 'unavailable' | 'ended' | 'left' | 'away' | 'offline' | 'in-call' | 'waiting' | 'here';

export interface ThreadState {
  /** The patient's id: a thread is one patient's conversation with the care team. */
  readonly id: string;
  readonly patient: Peer;
  readonly visit?: string;
  /** Provider side: is the patient still here? Patient side: is anyone from the care team here? */
  readonly present: boolean;
  readonly ended: boolean;
  /** When this page learnt that the chat ended (ms); absent while it has not. */
  readonly endedAt?: number;
  readonly messages: readonly ChatMessage[];
  readonly unread: number;
  /** Names of the people typing in this thread right now. */
  readonly typing: readonly string[];
  /** When the patient first appeared (ms): the queue's order, which activity never changes, and the waiting time. */
  readonly arrivedAt: number;
  /** The newest message, for a preview; absent when there is none. */
  readonly lastMessage?: ChatMessage;
  /** `view` retention: earlier messages of this thread were erased from memory. */
  readonly cleared: boolean;
  /** The host's queue says this patient is in the video call. */
  readonly inCall: boolean;
  /** Where the other side is; see {@link PeerState}. */
  readonly peerState: PeerState;
}

export interface ChatState {
  readonly me: Peer;
  readonly role: Role;
  readonly retention: Retention;
  readonly connection: Connection;
  /** Threads in queue order (arrival). A patient has exactly one: their own. */
  readonly threads: readonly ThreadState[];
  /** The thread shown in the box. */
  readonly active: string | null;
  readonly box: BoxState;
  readonly notifications: boolean;
  readonly totalUnread: number;
  /**
   * Ephemeral mode: some thread holds messages that exist only in this page's memory, so
   * leaving or reloading the page erases them (the other side may still have theirs).
   */
  readonly wouldLoseOnUnload: boolean;
}

/** Details of the events the core emits; the element re-emits them as `clinic-chat-*` DOM events. */
export interface CoreEventMap {
  message: { thread: string; message: ChatMessage };
  unread: { thread: string; unread: number; total: number };
  open: { thread: string };
  minimize: { thread: string };
  close: { thread: string };
  ended: { thread: string };
  presence: { thread: string; present: boolean };
  error: { code: ErrorCode; message: string; ref?: string };
}
export type CoreEventName = keyof CoreEventMap;

/** A patient entry given by a host that owns the queue itself. */
export interface QueueEntry {
  readonly id: string;
  readonly name: string;
  /** false when the patient has left the queue or the call. */
  readonly present?: boolean;
  readonly visit?: string;
  /** true while the patient is in the video call with this clinician. */
  readonly inCall?: boolean;
}
