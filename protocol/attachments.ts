// Attachment bytes: type sniffing from content, chunking to frames and reassembly. Shared by
// widget and hub; pure functions over Uint8Array so they run the same in Node and the browser.
import type { AttachmentType } from './limits.js';

const SIGNATURES: ReadonlyArray<{ mime: AttachmentType; at: number; bytes: readonly number[] }> = [
  { mime: 'image/png', at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', at: 0, bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/gif', at: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { mime: 'application/pdf', at: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

/** The attachment type a file really is, judged by its leading bytes; undefined if not one we accept. */
export function sniffType(bytes: Uint8Array): AttachmentType | undefined {
  const hit = SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[s.at + i] === b));
  if (hit) return hit.mime;
  // WebP: "RIFF" .... "WEBP"
  const riff = [0x52, 0x49, 0x46, 0x46].every((b, i) => bytes[i] === b);
  const webp = [0x57, 0x45, 0x42, 0x50].every((b, i) => bytes[8 + i] === b);
  return riff && webp ? 'image/webp' : undefined;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function splitChunks(bytes: Uint8Array, chunkBytes: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(toBase64(bytes.subarray(i, i + chunkBytes)));
  return chunks;
}

/** Collects the chunks of one incoming attachment, in any order, each index once. */
export class ChunkAssembler {
  private readonly parts: (Uint8Array | undefined)[];
  private received = 0;
  private bytes = 0;

  constructor(
    readonly count: number,
    readonly size: number,
  ) {
    this.parts = new Array(count);
  }

  /** Adds a chunk; returns false if it does not fit (wrong count, out of range, overflow). */
  add(index: number, count: number, data: string): boolean {
    if (count !== this.count || index < 0 || index >= this.count || !Number.isInteger(index)) return false;
    if (this.parts[index]) return true;
    const part = fromBase64(data);
    if (this.bytes + part.length > this.size) return false;
    this.parts[index] = part;
    this.received++;
    this.bytes += part.length;
    return true;
  }

  get complete(): boolean {
    return this.received === this.count && this.bytes === this.size;
  }

  get progress(): number {
    return this.size === 0 ? 1 : this.bytes / this.size;
  }

  bytesOut(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part!, offset);
      offset += part!.length;
    }
    return out;
  }
}
