// Attachments: checking a file before it is sent (size, type by its leading bytes), and
// rebuilding incoming ones from their chunks.
import { nanoid } from 'nanoid';
import { ChunkAssembler, LIMITS, ProtocolError, sniffType, splitChunks, type AttachmentMeta, type ChunkFrame, type MessageFrame } from '../../protocol/index.js';
import { formatBytes } from '../format.js';
import type { AttachmentView } from './types.js';

/** The per-attachment limit when the host sets none; the protocol's `LIMITS.attachmentBytes` is the ceiling. */
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a file for sending (`full`), or only its head to check it. Throws a ProtocolError
 * (`too-large`, `invalid`, `unsupported-type`) that says what is wrong in words.
 */
export async function readAttachment(file: Blob, maxBytes: number, full = true): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
  const name = ('name' in file && typeof file.name === 'string' && file.name ? file.name : 'attachment').slice(0, 200);
  if (file.size > maxBytes) throw new ProtocolError('too-large', `${name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}`);
  if (file.size === 0) throw new ProtocolError('invalid', `${name} is empty`);
  const head = new Uint8Array(await (full ? file : file.slice(0, 16)).arrayBuffer());
  const mime = sniffType(head);
  if (!mime) throw new ProtocolError('unsupported-type', `${name} is not an image (PNG, JPEG, GIF, WebP) or a PDF`);
  return { meta: { id: nanoid(), name, mime, size: file.size }, bytes: head };
}

/** What one chunk did to its message's attachments. */
export type ChunkResult =
  | { kind: 'ignored' }
  | { kind: 'misfit' }
  | { kind: 'added'; update: (attachments: readonly AttachmentView[]) => AttachmentView[]; complete: boolean };

/** Incoming attachments whose chunks are still arriving, per message. */
export class IncomingAttachments {
  private readonly byMessage = new Map<string, Map<string, ChunkAssembler>>();

  /** The attachments a message announces, with their chunks awaited. */
  expect(frame: MessageFrame): AttachmentView[] {
    const attachments: AttachmentView[] = (frame.attachments ?? []).map((meta) => ({ ...meta, progress: 0 }));
    if (attachments.length) {
      this.byMessage.set(frame.id, new Map(attachments.map((a) => [a.id, new ChunkAssembler(Math.ceil(a.size / LIMITS.chunkBytes), a.size)])));
    }
    return attachments;
  }

  awaiting(messageId: string): boolean {
    return this.byMessage.has(messageId);
  }

  forget(messageId: string): void {
    this.byMessage.delete(messageId);
  }

  add(frame: ChunkFrame): ChunkResult {
    const assemblers = this.byMessage.get(frame.message);
    const assembler = assemblers?.get(frame.attachment);
    if (!assemblers || !assembler) return { kind: 'ignored' };
    if (!assembler.add(frame.index, frame.count, frame.data)) return { kind: 'misfit' };
    const complete = [...assemblers.values()].every((a) => a.complete);
    if (complete) this.byMessage.delete(frame.message);
    const update = (attachments: readonly AttachmentView[]) =>
      attachments.map((a) =>
        a.id !== frame.attachment
          ? a
          : { ...a, progress: assembler.progress, ...(assembler.complete ? { blob: new Blob([assembler.bytesOut() as BlobPart], { type: a.mime }) } : {}) },
      );
    return { kind: 'added', update, complete };
  }
}

/** An outgoing message's files: their metadata, what this page shows of them, and the chunks that carry them. */
export interface PackedAttachments {
  metas: AttachmentMeta[];
  views: AttachmentView[];
  chunks: Omit<ChunkFrame, 'v'>[];
}

/** Reads and splits the files of one outgoing message; `read` checks each (and rejects a bad one). */
export async function packAttachments(
  files: readonly Blob[],
  read: (file: Blob) => Promise<{ meta: AttachmentMeta; bytes: Uint8Array }>,
  to: { from: string; thread: string; message: string },
): Promise<PackedAttachments> {
  const packed: PackedAttachments = { metas: [], views: [], chunks: [] };
  for (const file of files) {
    const { meta, bytes } = await read(file);
    packed.metas.push(meta);
    packed.views.push({ ...meta, blob: new Blob([bytes as BlobPart], { type: meta.mime }), progress: 1 });
    const parts = splitChunks(bytes, LIMITS.chunkBytes);
    parts.forEach((data, index) => packed.chunks.push({ type: 'chunk', ...to, attachment: meta.id, index, count: parts.length, data }));
  }
  return packed;
}
