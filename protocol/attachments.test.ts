// Attachment bytes decide what a patient may upload and what a provider receives, so type
// sniffing must trust content over names, and reassembly must refuse what does not fit.
import { describe, expect, it } from 'vitest';
import { ChunkAssembler, fromBase64, sniffType, splitChunks, toBase64 } from './attachments.js';

/** A file that starts with `head` and continues with filler bytes. */
function file(head: readonly number[], length = 64): Uint8Array {
  const bytes = new Uint8Array(Math.max(length, head.length)).map((_, i) => (i * 7) % 256);
  bytes.set(head);
  return bytes;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

describe('sniffType', () => {
  it.each([
    ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['image/jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['image/gif', ascii('GIF89a')],
    ['image/webp', [...ascii('RIFF'), 0x24, 0x00, 0x00, 0x00, ...ascii('WEBPVP8 ')]],
    ['application/pdf', ascii('%PDF-1.7')],
  ])('recognises %s by its leading bytes', (mime, head) => {
    expect(sniffType(file(head))).toBe(mime);
  });

  it.each([
    ['a Windows executable', ascii('MZ')],
    ['plain text (as if renamed .png)', ascii('this is not a picture, it only has a .png name')],
    ['an HTML page', ascii('<!doctype html><script>')],
    ['an SVG image', ascii('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
    ['a WAV sound (RIFF but not WEBP)', [...ascii('RIFF'), 0x24, 0x00, 0x00, 0x00, ...ascii('WAVEfmt ')]],
    ['a PNG signature with one byte wrong', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b]],
  ])('rejects %s', (_, head) => {
    expect(sniffType(file(head))).toBeUndefined();
  });

  it('rejects files too short to hold a whole signature', () => {
    expect(sniffType(new Uint8Array())).toBeUndefined();
    expect(sniffType(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(sniffType(new Uint8Array(ascii('RIFF')))).toBeUndefined();
  });
});

describe('toBase64 / fromBase64', () => {
  it('encodes as standard base64 (the same as Node’s Buffer)', () => {
    const bytes = file([0xff, 0xfe, 0x00, 0x3e, 0x3f], 1000);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it('round-trips an array over 100 KB', () => {
    const bytes = Uint8Array.from({ length: 150_001 }, (_, i) => (i * 31 + (i >> 8)) % 256);
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(fromBase64(text)).toEqual(bytes);
  });

  it('round-trips an empty array', () => {
    expect(toBase64(new Uint8Array())).toBe('');
    expect(fromBase64('')).toEqual(new Uint8Array());
  });

  it('encodes a subarray view without the bytes around it', () => {
    const whole = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(fromBase64(toBase64(whole.subarray(1, 4)))).toEqual(Uint8Array.from([2, 3, 4]));
  });
});

describe('ChunkAssembler', () => {
  const bytes = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
  // Chunks of 4, 4 and 2 bytes.
  const chunks = splitChunks(bytes, 4);

  it('splits bytes into chunks of at most the given size', () => {
    expect(chunks.map((c) => fromBase64(c).length)).toEqual([4, 4, 2]);
  });

  it('rebuilds the bytes from chunks that arrive in any order', () => {
    const assembler = new ChunkAssembler(3, bytes.length);
    for (const index of [2, 0, 1]) expect(assembler.add(index, 3, chunks[index])).toBe(true);
    expect(assembler.complete).toBe(true);
    expect(assembler.bytesOut()).toEqual(bytes);
  });

  it('reports progress as the share of bytes received, and completes only with all of them', () => {
    const assembler = new ChunkAssembler(3, bytes.length);
    expect(assembler.progress).toBe(0);
    assembler.add(2, 3, chunks[2]);
    expect(assembler.progress).toBeCloseTo(0.2);
    expect(assembler.complete).toBe(false);
    assembler.add(0, 3, chunks[0]);
    expect(assembler.progress).toBeCloseTo(0.6);
    expect(assembler.complete).toBe(false);
    assembler.add(1, 3, chunks[1]);
    expect(assembler.progress).toBe(1);
    expect(assembler.complete).toBe(true);
  });

  it('ignores a chunk index it already has, keeping the first copy', () => {
    const assembler = new ChunkAssembler(3, bytes.length);
    assembler.add(0, 3, chunks[0]);
    expect(assembler.add(0, 3, toBase64(Uint8Array.from([9, 9, 9, 9])))).toBe(true);
    expect(assembler.progress).toBeCloseTo(0.4);
    assembler.add(1, 3, chunks[1]);
    assembler.add(2, 3, chunks[2]);
    expect(assembler.complete).toBe(true);
    expect(assembler.bytesOut()).toEqual(bytes);
  });

  it('refuses an index at or past the chunk count', () => {
    const assembler = new ChunkAssembler(3, bytes.length);
    expect(assembler.add(3, 3, chunks[2])).toBe(false);
    expect(assembler.add(7, 3, chunks[2])).toBe(false);
    expect(assembler.progress).toBe(0);
  });

  it('refuses a negative or fractional index and counts nothing for it', () => {
    const assembler = new ChunkAssembler(3, bytes.length);
    expect(assembler.add(-1, 3, chunks[0])).toBe(false);
    expect(assembler.add(0.5, 3, chunks[0])).toBe(false);
    expect(assembler.progress).toBe(0);
  });

  it('refuses a chunk that claims a different chunk count', () => {
    const assembler = new ChunkAssembler(3, bytes.length);
    expect(assembler.add(0, 4, chunks[0])).toBe(false);
    expect(assembler.add(0, 2, chunks[0])).toBe(false);
    expect(assembler.progress).toBe(0);
  });

  it('refuses a chunk that would carry more bytes than the announced size', () => {
    const assembler = new ChunkAssembler(2, 6);
    expect(assembler.add(0, 2, chunks[0])).toBe(true);
    expect(assembler.add(1, 2, chunks[1])).toBe(false);
    expect(assembler.complete).toBe(false);
    expect(assembler.add(1, 2, toBase64(Uint8Array.from([5, 6])))).toBe(true);
    expect(assembler.complete).toBe(true);
  });

  it('is not complete when every chunk arrived but they carry fewer bytes than announced', () => {
    const assembler = new ChunkAssembler(1, 10);
    expect(assembler.add(0, 1, toBase64(Uint8Array.from([1, 2, 3])))).toBe(true);
    expect(assembler.complete).toBe(false);
    expect(assembler.progress).toBeCloseTo(0.3);
  });
});
