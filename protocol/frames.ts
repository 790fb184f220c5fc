// Frame schemas (valibot): the wire contract between widgets, transports and the hub.
// Every frame carries `v` (protocol version) and `type`; unknown fields are stripped.
import * as v from 'valibot';
import { ATTACHMENT_TYPES, LIMITS } from './limits.js';
import { ERROR_CODES } from './errors.js';
import { InboxDirectoryFrameSchema, InboxFrameSchema, InboxStateFrameSchema, NoteFrameSchema, ViewingFrameSchema } from './inbox.js';
import { IdSchema, PeerSchema, SeqSchema, TimeSchema, Version } from './primitives.js';
import { EventFrameSchema } from './timeline.js';

export { IdSchema, PeerSchema, RoleSchema } from './primitives.js';

export const AttachmentMetaSchema = v.object({
  id: IdSchema,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  mime: v.picklist(ATTACHMENT_TYPES),
  size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.attachmentBytes)),
});

/**
 * Announces a peer. `joined` asks everyone present to answer with `here`; `here` doubles as
 * heartbeat. Ephemeral mode: `clock` is the sender's ordering clock, so a page that reloaded
 * (and forgot the conversation) sends its next message after everything the others have seen.
 */
export const PresenceFrameSchema = v.object({
  v: Version,
  type: v.literal('presence'),
  from: PeerSchema,
  state: v.picklist(['joined', 'here', 'left']),
  visit: v.optional(IdSchema),
  clock: v.optional(TimeSchema),
});

/** A chat message. `id` is the sender's client id (idempotency key); `clock` a Lamport clock for ordering. */
export const MessageFrameSchema = v.pipe(
  v.object({
    v: Version,
    type: v.literal('message'),
    id: IdSchema,
    thread: IdSchema,
    from: PeerSchema,
    text: v.pipe(v.string(), v.maxLength(LIMITS.textChars)),
    at: TimeSchema,
    clock: TimeSchema,
    attachments: v.optional(v.pipe(v.array(AttachmentMetaSchema), v.maxLength(LIMITS.attachmentsPerMessage))),
    /** Hub only: the per-conversation sequence number the hub assigned when it stored the message. */
    seq: v.optional(SeqSchema),
    /**
     * Hub only, on history: how far the other side got with this message (for the sender's
     * own messages), or `read` when the receiving reader has already read it.
     */
    receipt: v.optional(v.picklist(['delivered', 'read'])),
  }),
  v.check((f) => f.text.trim().length > 0 || (f.attachments?.length ?? 0) > 0, 'a message needs text or an attachment'),
);

/** One slice of an attachment's bytes, base64. */
export const ChunkFrameSchema = v.object({
  v: Version,
  type: v.literal('chunk'),
  from: IdSchema,
  thread: IdSchema,
  message: IdSchema,
  attachment: IdSchema,
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Math.ceil(LIMITS.attachmentBytes / LIMITS.chunkBytes))),
  data: v.pipe(v.string(), v.maxLength(Math.ceil(LIMITS.chunkBytes / 3) * 4), v.regex(/^[A-Za-z0-9+/]*={0,2}$/)),
});

const ReceiptIds = v.pipe(v.array(IdSchema), v.minLength(1), v.maxLength(LIMITS.receiptIds));

/** The recipient's device has the messages (and all their attachment bytes). */
export const DeliveredFrameSchema = v.object({
  v: Version,
  type: v.literal('delivered'),
  from: IdSchema,
  thread: IdSchema,
  ids: ReceiptIds,
});

/** The recipient has seen the messages. */
export const ReadFrameSchema = v.object({
  v: Version,
  type: v.literal('read'),
  from: IdSchema,
  thread: IdSchema,
  ids: ReceiptIds,
});

export const TypingFrameSchema = v.object({
  v: Version,
  type: v.literal('typing'),
  from: IdSchema,
  thread: IdSchema,
  active: v.boolean(),
});

/** The chat in this thread is over: no more sending on either side. */
export const EndedFrameSchema = v.object({
  v: Version,
  type: v.literal('ended'),
  from: IdSchema,
  thread: IdSchema,
  at: TimeSchema,
});

/** A typed refusal, sent back to the peer whose frame could not be accepted. */
export const ErrorFrameSchema = v.object({
  v: Version,
  type: v.literal('error'),
  from: v.optional(IdSchema),
  to: v.optional(IdSchema),
  code: v.picklist(ERROR_CODES),
  message: v.pipe(v.string(), v.maxLength(500)),
  ref: v.optional(IdSchema),
});

// ---- hub session frames ------------------------------------------------------------------

/** Client → hub, first frame on a new socket: the vendor-signed token. */
export const AuthFrameSchema = v.object({
  v: Version,
  type: v.literal('auth'),
  token: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.tokenChars)),
});

/** Hub → client: authenticated; `me` is who the token says this is. */
export const ReadyFrameSchema = v.object({
  v: Version,
  type: v.literal('ready'),
  me: PeerSchema,
  session: IdSchema,
  /** The hub pings this often; a client that hears nothing for three periods reconnects. */
  heartbeatMs: v.pipe(v.number(), v.integer(), v.minValue(100)),
});

/**
 * Client → hub: the last sequence number it holds per thread; the hub sends what came after.
 * `only`: catch up on the listed threads alone (a client filling a gap it noticed live).
 */
export const ResumeFrameSchema = v.object({
  v: Version,
  type: v.literal('resume'),
  seen: v.pipe(v.array(v.object({ thread: IdSchema, seq: v.pipe(v.number(), v.integer(), v.minValue(0)) })), v.maxLength(LIMITS.resumeThreads)),
  only: v.optional(v.boolean()),
});

/** Hub → client: everything missed has been sent. */
export const SyncedFrameSchema = v.object({
  v: Version,
  type: v.literal('synced'),
});

/** Hub → sender: the message is stored (committed) under `seq`. */
export const AckFrameSchema = v.object({
  v: Version,
  type: v.literal('ack'),
  id: IdSchema,
  thread: IdSchema,
  seq: SeqSchema,
  at: TimeSchema,
});

/** Client → hub: are you there? Sent when the client has heard nothing for a heartbeat. */
export const PingFrameSchema = v.object({ v: Version, type: v.literal('ping') });

/** Hub → client: yes. Lets a browser, which cannot see WebSocket pings, notice a dead connection. */
export const PongFrameSchema = v.object({ v: Version, type: v.literal('pong') });

export const FrameSchema = v.variant('type', [
  PresenceFrameSchema,
  MessageFrameSchema,
  ChunkFrameSchema,
  DeliveredFrameSchema,
  ReadFrameSchema,
  TypingFrameSchema,
  EndedFrameSchema,
  ErrorFrameSchema,
  AuthFrameSchema,
  ReadyFrameSchema,
  ResumeFrameSchema,
  SyncedFrameSchema,
  AckFrameSchema,
  PingFrameSchema,
  PongFrameSchema,
  InboxFrameSchema,
  InboxStateFrameSchema,
  NoteFrameSchema,
  ViewingFrameSchema,
  InboxDirectoryFrameSchema,
  EventFrameSchema,
]);

export const FRAME_TYPES = [
  'presence',
  'message',
  'chunk',
  'delivered',
  'read',
  'typing',
  'ended',
  'error',
  'auth',
  'ready',
  'resume',
  'synced',
  'ack',
  'ping',
  'pong',
  'inbox',
  'inbox-state',
  'note',
  'viewing',
  'inbox-directory',
  'event',
] as const;

export type { Peer, Role } from './primitives.js';
export type AttachmentMeta = v.InferOutput<typeof AttachmentMetaSchema>;
export type PresenceFrame = v.InferOutput<typeof PresenceFrameSchema>;
export type MessageFrame = v.InferOutput<typeof MessageFrameSchema>;
export type ChunkFrame = v.InferOutput<typeof ChunkFrameSchema>;
export type DeliveredFrame = v.InferOutput<typeof DeliveredFrameSchema>;
export type ReadFrame = v.InferOutput<typeof ReadFrameSchema>;
export type TypingFrame = v.InferOutput<typeof TypingFrameSchema>;
export type EndedFrame = v.InferOutput<typeof EndedFrameSchema>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrameSchema>;
export type AuthFrame = v.InferOutput<typeof AuthFrameSchema>;
export type ReadyFrame = v.InferOutput<typeof ReadyFrameSchema>;
export type ResumeFrame = v.InferOutput<typeof ResumeFrameSchema>;
export type AckFrame = v.InferOutput<typeof AckFrameSchema>;
export type Frame = v.InferOutput<typeof FrameSchema>;
export type FrameType = Frame['type'];
/** A frame as a sender builds it: the version is filled in by `encodeFrame`. */
export type OutgoingFrame = Frame extends infer F ? (F extends Frame ? Omit<F, 'v'> : never) : never;
