// Messages in: the checks a message frame passes (backlog, rate, the conversation, opt-out,
// a resend of a stored message), its attachments' chunks and their sniffed types, and the
// group commit, after which the sender gets its ack, the thread its frames and the care team
// the conversation's inbox state. Split out of the gateway, which routes frames here.
import { nanoid } from 'nanoid';
import { sniffType, type AttachmentMeta, type ChunkFrame, type MessageFrame, type OutgoingFrame } from '../../protocol/index.js';
import { peerOf, type Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { storedMessage } from '../db/repositories/messages.js';
import { staffMessageContext } from '../db/repositories/display-names.js';
import type { DeferredWrites } from '../domain/deferred-writes.js';
import type { Timeline } from '../domain/timeline.js';
import type { MessageWriter } from '../domain/message-writer.js';
import { turnAway, type MessageAdmission } from './admission.js';
import type { ConversationRefs } from './conversation-refs.js';
import type { InboxLive } from './inbox-live.js';
import { messageFrames } from './message-frames.js';
import type { Session } from './session.js';
import type { Uploads } from './uploads.js';

export interface IngestDeps {
  ctx: HubContext;
  writer: MessageWriter;
  admission: MessageAdmission;
  uploads: Uploads;
  conversations: ConversationRefs;
  inbox: InboxLive;
  timeline: Timeline;
  deferred: DeferredWrites;
  /** Messages waiting for a commit beyond which new ones are turned away (the sender retries). */
  maxWriteBacklog: number;
  allow(session: Session, identity: Identity): Promise<boolean>;
  /** Frames to everyone in the thread but the sender's socket. */
  fanOut(sender: Session, orgId: string, thread: string, frames: readonly OutgoingFrame[]): void;
}

export class Ingest {
  constructor(private readonly d: IngestDeps) {}

  /** A message frame, once admitted: checks, then stored at once or once its attachments are in. */
  async message(session: Session, identity: Identity, frame: MessageFrame): Promise<void> {
    if (this.d.writer.backlog >= this.d.maxWriteBacklog) {
      // Refuse rather than queue without bound; the sender's outbox retries with backoff.
      return turnAway(session, frame, 'overloaded', 'the hub is busy; the message will be retried');
    }
    if (!(await this.d.allow(session, identity))) return turnAway(session, frame, 'rate-limited', 'too many messages; slow down');
    const ref = await this.d.conversations.of(session, identity, frame.thread, frame.id);
    if (!ref) return;
    let author = identity.name;
    if (identity.kind === 'staff') {
      // Read each time, not remembered: opting out and display names may change through any hub.
      const context = await staffMessageContext(this.d.ctx.db, identity.orgId, frame.thread, ref.id, identity.id);
      if (context.optedOut) {
        session.send({ type: 'error', code: 'opted-out', message: 'this patient has opted out of messages', ref: frame.id });
        return;
      }
      author = context.displayName ?? identity.name;
    }
    if (!frame.attachments?.length) return this.store(session, identity, frame, ref.id, [], author);
    if (this.d.uploads.has(session, frame.id)) return;
    // A resend of a stored message (its ack was lost): ack again rather than take its bytes and write its files twice.
    const stored = await storedMessage(this.d.ctx.db, identity.orgId, ref.id, identity.id, frame.id);
    if (stored) {
      session.send({ type: 'ack', id: frame.id, thread: frame.thread, seq: Number(stored.seq), at: Number(stored.created_at) });
      return;
    }
    if (!this.d.uploads.start(session, frame, ref.id)) {
      // Transient: once earlier uploads finish, this one fits; the sender's outbox retries.
      return turnAway(session, frame, 'overloaded', 'too many attachment bytes in flight; retrying');
    }
  }

  /** An attachment chunk; the last one of a message checks every file's bytes and stores the message. */
  async chunk(session: Session, identity: Identity, frame: ChunkFrame): Promise<void> {
    const outcome = this.d.uploads.chunk(session, frame);
    if (outcome.kind === 'bad') {
      session.send({ type: 'error', code: 'invalid', message: 'attachment chunk does not fit its attachment', ref: frame.message });
      return;
    }
    if (outcome.kind !== 'complete') return;
    const upload = outcome.upload;
    const files: Array<{ meta: AttachmentMeta; bytes: Uint8Array; storageKey: string }> = [];
    for (const meta of upload.frame.attachments!) {
      const bytes = upload.assemblers.get(meta.id)!.bytesOut();
      if (sniffType(bytes) !== meta.mime) {
        session.send({ type: 'error', code: 'unsupported-type', message: `${meta.name} is not the ${meta.mime} it claims to be`, ref: frame.message });
        return;
      }
      files.push({ meta, bytes, storageKey: `${blobFolder(identity.orgId)}/${nanoid(16)}` });
    }
    for (const file of files) await this.d.ctx.blobs.put(file.storageKey, file.bytes);
    const author =
      identity.kind === 'staff'
        ? (await staffMessageContext(this.d.ctx.db, identity.orgId, upload.frame.thread, upload.conversationId, identity.id)).displayName ?? identity.name
        : identity.name;
    await this.store(session, identity, upload.frame, upload.conversationId, files, author);
  }

  /**
   * Queues the message for the next group commit. The ack and the fan-out wait for the commit;
   * the socket's next frame does not, so one sender's burst shares commits.
   */
  private async store(
    session: Session,
    identity: Identity,
    frame: MessageFrame,
    conversationId: string,
    files: Array<{ meta: AttachmentMeta; bytes: Uint8Array; storageKey: string }>,
    /** The name patients see for the author here (a staff member's display name). */
    authorName: string,
  ): Promise<void> {
    const stored = this.d.writer.store({
      orgId: identity.orgId,
      conversationId,
      clientId: frame.id,
      authorKind: identity.kind,
      authorId: identity.id,
      authorName,
      body: frame.text,
      sentAt: frame.at,
      attachments: files.map((f) => ({ clientId: f.meta.id, name: f.meta.name, mime: f.meta.mime, size: f.meta.size, storageKey: f.storageKey })),
      ...(identity.kind === 'patient' && identity.visit !== undefined && { visit: identity.visit }),
    });
    void stored.then(
      (result) => {
        if (result.ended) {
          // Refused, never left at *Sent*: the sender shows *Not sent: chat ended*.
          session.send({ type: 'error', code: 'chat-ended', message: 'this chat has ended', ref: frame.id });
          for (const f of files) void this.d.ctx.blobs.delete?.(f.storageKey);
          return;
        }
        const { message, attachments, duplicate, changes } = result;
        session.send({ type: 'ack', id: frame.id, thread: frame.thread, seq: message.seq, at: message.created_at });
        if (duplicate) return;
        if (changes?.reopened || changes?.visitStarted) void this.recordChanges(identity, conversationId, Number(message.created_at), changes);
        this.d.inbox.messageStored(identity.orgId, conversationId);
        const bytes = new Map(files.map((f) => [f.meta.id, f.bytes]));
        this.d.fanOut(session, identity.orgId, frame.thread, messageFrames(frame.thread, { ...peerOf(identity), name: authorName }, message, attachments, (a) => bytes.get(a.client_id)!));
        if (identity.kind === 'staff') {
          this.d.deferred.audit({ orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'message.send', subject: { type: 'conversation', id: conversationId } });
        }
      },
      (error: unknown) => {
        if (this.d.admission.commitFailed(session, frame, error)) return;
        this.d.ctx.log.error({ session: session.id, err: error instanceof Error ? error.message : String(error) }, 'message not stored');
        session.send({ type: 'error', code: 'internal', message: 'the message could not be stored; it will be retried', ref: frame.id });
      },
    );
  }

  /** What the message did to the conversation, in its timeline (each change once: the source ids say which). */
  private async recordChanges(identity: Identity, conversationId: string, at: number, changes: { reopened: boolean; visitStarted: boolean }): Promise<void> {
    const by = { kind: identity.kind, id: identity.id, name: identity.name };
    const base = { orgId: identity.orgId, conversationId, by, at };
    try {
      if (changes.reopened) await this.d.timeline.record({ ...base, kind: 'reopened', sourceId: `reopened:${at}` });
      if (changes.visitStarted && identity.kind === 'patient' && identity.visit !== undefined) {
        await this.d.timeline.record({ ...base, kind: 'visit-started', fields: { visit: identity.visit }, sourceId: `visit:${identity.visit}` });
      }
    } catch (error) {
      this.d.ctx.log.error({ err: error instanceof Error ? error.message : String(error) }, 'timeline event not stored');
    }
  }
}

/** Blob keys allow letters, digits, `_` and `-`; an org id may hold `.`, `:` or `@` too. */
function blobFolder(orgId: string): string {
  return orgId.replace(/[^A-Za-z0-9_-]/g, '_');
}
