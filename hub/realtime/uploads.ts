// Attachments on their way in: a message with attachments waits here, per socket, while its
// chunks arrive; it is stored only when every file is complete. Bounded per socket (bytes in
// flight) and in time (an upload that gets no chunk for a while is dropped; the sender's
// outbox sends it again).
import { ChunkAssembler, LIMITS, type ChunkFrame, type MessageFrame } from '../../protocol/index.js';
import type { Session } from './session.js';

export interface Upload {
  frame: MessageFrame;
  conversationId: string;
  assemblers: Map<string, ChunkAssembler>;
  lastChunkAt: number;
}

export type ChunkOutcome =
  /** Nothing to do: a late resend of something already stored, or more chunks to come. */
  | { kind: 'none' }
  /** The chunk does not fit its attachment: the upload is dropped. */
  | { kind: 'bad' }
  /** Every file of the message is complete: store it. */
  | { kind: 'complete'; upload: Upload };

export class Uploads {
  private readonly bySession = new WeakMap<Session, Map<string, Upload>>();

  constructor(
    /** Bytes of unfinished uploads a socket may hold. */
    private readonly maxBytes: number,
    /** An upload that receives no chunk for this long is dropped. */
    private readonly idleMs: number,
  ) {}

  has(session: Session, messageId: string): boolean {
    return this.bySession.get(session)?.has(messageId) ?? false;
  }

  /** Starts waiting for a message's chunks; false when the socket's uploads in flight leave no room for it (for now). */
  start(session: Session, frame: MessageFrame, conversationId: string, now = Date.now()): boolean {
    const uploads = this.of(session);
    const pending = [...uploads.values()].reduce((n, u) => n + bytesOf(u.frame), 0);
    if (pending + bytesOf(frame) > this.maxBytes) return false;
    uploads.set(frame.id, {
      frame,
      conversationId,
      assemblers: new Map(frame.attachments!.map((a) => [a.id, new ChunkAssembler(Math.ceil(a.size / LIMITS.chunkBytes), a.size)])),
      lastChunkAt: now,
    });
    return true;
  }

  chunk(session: Session, frame: ChunkFrame, now = Date.now()): ChunkOutcome {
    const uploads = this.of(session);
    const upload = uploads.get(frame.message);
    const assembler = upload?.assemblers.get(frame.attachment);
    if (!upload || !assembler) return { kind: 'none' };
    upload.lastChunkAt = now;
    if (!assembler.add(frame.index, frame.count, frame.data)) {
      uploads.delete(frame.message);
      return { kind: 'bad' };
    }
    if (![...upload.assemblers.values()].every((a) => a.complete)) return { kind: 'none' };
    uploads.delete(frame.message);
    return { kind: 'complete', upload };
  }

  /** Drops uploads that stopped receiving chunks: their bytes and their share of the budget. */
  expire(session: Session, now: number): void {
    const uploads = this.bySession.get(session);
    if (!uploads) return;
    for (const [id, upload] of uploads) if (now - upload.lastChunkAt > this.idleMs) uploads.delete(id);
  }

  drop(session: Session): void {
    this.bySession.delete(session);
  }

  private of(session: Session): Map<string, Upload> {
    let map = this.bySession.get(session);
    if (!map) this.bySession.set(session, (map = new Map()));
    return map;
  }
}

function bytesOf(frame: MessageFrame): number {
  return (frame.attachments ?? []).reduce((n, a) => n + a.size, 0);
}
