// The codec is the protocol's edge: every frame type must survive a round trip, and any
// input at all must come back as a typed result, never as an exception.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type DecodeResult } from './codec.js';
import { ProtocolError, type ErrorCode } from './errors.js';
import type { AttachmentMeta, MessageFrame, OutgoingFrame } from './frames.js';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';

const ana = { id: 'ana', name: 'Ana', role: 'patient' } as const;
const lee = { id: 'dr-lee', name: 'Dr Lee', role: 'provider' } as const;
const scan: AttachmentMeta = { id: 'att-1', name: 'rash.png', mime: 'image/png', size: 40_000 };

const message: Omit<MessageFrame, 'v'> = {
  type: 'message',
  id: 'msg-1',
  thread: 'ana',
  from: ana,
  text: 'I have a rash',
  at: 1_700_000_000_000,
  clock: 3,
};

const everyFrame: Array<[string, OutgoingFrame]> = [
  ['presence', { type: 'presence', from: ana, state: 'joined', visit: 'visit-1' }],
  ['presence without a visit', { type: 'presence', from: lee, state: 'here' }],
  ['message', message],
  ['message with attachments', { ...message, text: '', attachments: [scan, { ...scan, id: 'att-2', mime: 'application/pdf', name: 'lab.pdf' }] }],
  ['chunk', { type: 'chunk', from: 'ana', thread: 'ana', message: 'msg-1', attachment: 'att-1', index: 0, count: 3, data: 'iVBORw0KGgo=' }],
  ['delivered', { type: 'delivered', from: 'dr-lee', thread: 'ana', ids: ['msg-1', 'msg-2'] }],
  ['read', { type: 'read', from: 'dr-lee', thread: 'ana', ids: ['msg-1'] }],
  ['typing', { type: 'typing', from: 'ana', thread: 'ana', active: true }],
  ['ended', { type: 'ended', from: 'dr-lee', thread: 'ana', at: 1_700_000_100_000 }],
  ['error', { type: 'error', from: 'dr-lee', to: 'ana', code: 'chat-ended', message: 'this chat has ended', ref: 'msg-1' }],
];

/** A raw message frame as a peer might send it, with `patch` applied (undefined removes a field). */
function rawMessage(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = { v: PROTOCOL_VERSION, ...message, ...patch };
  for (const key of Object.keys(patch)) if (patch[key] === undefined) delete raw[key];
  return raw;
}

function expectError(result: DecodeResult, code: ErrorCode): ProtocolError {
  if (result.ok) throw new Error(`expected a ${code} error, got a ${result.frame.type} frame`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(result.error.code).toBe(code);
  return result.error;
}

describe('encodeFrame / decodeFrame', () => {
  it.each(everyFrame)('a %s frame comes back unchanged after a round trip', (_, frame) => {
    const result = decodeFrame(encodeFrame(frame));
    expect(result).toEqual({ ok: true, frame: { v: PROTOCOL_VERSION, ...frame } });
  });

  it('stamps the protocol version on every encoded frame', () => {
    expect(JSON.parse(encodeFrame(message))).toMatchObject({ v: PROTOCOL_VERSION });
  });

  it('decodes an already-parsed object as it would its JSON text', () => {
    expect(decodeFrame(rawMessage())).toEqual(decodeFrame(JSON.stringify(rawMessage())));
    expect(decodeFrame(rawMessage()).ok).toBe(true);
  });

  it('strips unknown fields at the top level and inside nested objects', () => {
    const result = decodeFrame(
      JSON.stringify(
        rawMessage({ admin: true, from: { ...ana, token: 'secret' }, attachments: [{ ...scan, path: '/etc/passwd' }] }),
      ),
    );
    expect(result).toEqual({ ok: true, frame: { v: PROTOCOL_VERSION, ...message, attachments: [scan] } });
  });

  describe('malformed input', () => {
    it.each([
      ['text that is not JSON', '{oops'],
      ['an empty string', ''],
      ['a JSON array', '[1, 2]'],
      ['JSON null', 'null'],
      ['a JSON number', '42'],
      ['a JSON string', '"message"'],
      ['a number value', 42],
      ['null', null],
      ['undefined', undefined],
      ['an array value', [rawMessage()]],
    ])('%s is malformed', (_, raw) => {
      expectError(decodeFrame(raw), 'malformed');
    });
  });

  describe('protocol version', () => {
    it.each([
      ['missing', undefined],
      ['2', 2],
      ['"1" as a string', '1'],
    ])('a frame whose version is %s is refused as unsupported', (_, version) => {
      expectError(decodeFrame(JSON.stringify(rawMessage({ v: version }))), 'unsupported-version');
    });
  });

  describe('frame type', () => {
    it.each([
      ['an unknown type', 'video'],
      ['a missing type', undefined],
      ['a non-string type', 7],
    ])('a frame with %s is refused as unknown-type', (_, type) => {
      expectError(decodeFrame(JSON.stringify(rawMessage({ type }))), 'unknown-type');
    });

    // Structured clone (BroadcastChannel, MessagePort) carries BigInts and cycles, which
    // JSON.stringify cannot describe: the error message must not be built with it.
    it('refuses a type that JSON cannot describe (a BigInt or a cycle) without throwing', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expectError(decodeFrame({ v: PROTOCOL_VERSION, type: 10n }), 'unknown-type');
      expectError(decodeFrame({ v: PROTOCOL_VERSION, type: cyclic }), 'unknown-type');
    });

    it('refuses a version that cannot be turned into text without throwing', () => {
      expectError(decodeFrame({ v: Object.create(null), type: 'message' }), 'unsupported-version');
      expectError(decodeFrame({ v: 10n, type: 'message' }), 'unsupported-version');
    });
  });

  it('never throws, whatever value it is given', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const odd: unknown[] = [
      Symbol('frame'),
      () => rawMessage(),
      10n,
      new Date(0),
      new Map([['v', 1]]),
      new Uint8Array([123, 125]),
      Object.create(null),
      cyclic,
      { v: Symbol('v'), type: 'message' },
      { v: PROTOCOL_VERSION, type: Symbol('message') },
      rawMessage({ from: cyclic, clock: 10n }),
      rawMessage({ attachments: cyclic }),
      rawMessage({ text: Object.create(null) }),
    ];
    for (const value of odd) {
      const result = decodeFrame(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toBeInstanceOf(ProtocolError);
    }
  });

  describe('invalid fields', () => {
    const attachments = (n: number) => Array.from({ length: n }, (_, i) => ({ ...scan, id: `att-${i}` }));

    it.each<[string, Record<string, unknown>]>([
      ['a missing thread', { thread: undefined }],
      ['a missing sender', { from: undefined }],
      ['a numeric text', { text: 42 }],
      ['a clock given as a string', { clock: '3' }],
      ['a negative time', { at: -1 }],
      ['a fractional clock', { clock: 1.5 }],
      ['a sender with an unknown role', { from: { ...ana, role: 'admin' } }],
      ['a thread id with a space', { thread: 'ana smith' }],
      ['a thread id with a slash', { thread: '../ana' }],
      ['an empty thread id', { thread: '' }],
      ['a thread id over the id limit', { thread: 'a'.repeat(LIMITS.idChars + 1) }],
      ['empty text and no attachments', { text: '' }],
      ['only whitespace and no attachments', { text: '  \n\t ' }],
      ['empty text and an empty attachment list', { text: '', attachments: [] }],
      ['text over the limit', { text: 'a'.repeat(LIMITS.textChars + 1) }],
      ['too many attachments', { attachments: attachments(LIMITS.attachmentsPerMessage + 1) }],
      ['an executable attachment', { attachments: [{ ...scan, mime: 'application/x-msdownload' }] }],
      ['an SVG attachment', { attachments: [{ ...scan, mime: 'image/svg+xml' }] }],
      ['an empty attachment', { attachments: [{ ...scan, size: 0 }] }],
      ['an attachment over the size limit', { attachments: [{ ...scan, size: LIMITS.attachmentBytes + 1 }] }],
    ])('a message with %s is invalid', (_, patch) => {
      expectError(decodeFrame(JSON.stringify(rawMessage(patch))), 'invalid');
    });

    it('accepts a message at the text and attachment limits', () => {
      expect(decodeFrame(rawMessage({ text: 'a'.repeat(LIMITS.textChars) })).ok).toBe(true);
      expect(decodeFrame(rawMessage({ attachments: attachments(LIMITS.attachmentsPerMessage) })).ok).toBe(true);
    });

    it('accepts a message with only an attachment', () => {
      expect(decodeFrame(rawMessage({ text: '', attachments: [scan] })).ok).toBe(true);
    });

    const chunk = { v: PROTOCOL_VERSION, type: 'chunk', from: 'ana', thread: 'ana', message: 'msg-1', attachment: 'att-1', index: 0, count: 1 };

    it.each([
      ['spaces and punctuation', 'not base64!'],
      ['a URL-safe alphabet', 'iVBO-w0K_Go'],
      ['padding in the middle', 'iV==BORw'],
      ['three padding characters', 'iVBORw==='],
    ])('a chunk whose data has %s is invalid', (_, data) => {
      expectError(decodeFrame({ ...chunk, data }), 'invalid');
    });

    it('a chunk with a negative index or a zero count is invalid', () => {
      expectError(decodeFrame({ ...chunk, data: 'AA==', index: -1 }), 'invalid');
      expectError(decodeFrame({ ...chunk, data: 'AA==', count: 0 }), 'invalid');
    });

    it('a receipt with no ids or with too many is invalid', () => {
      const receipt = { v: PROTOCOL_VERSION, type: 'delivered', from: 'dr-lee', thread: 'ana' };
      expectError(decodeFrame({ ...receipt, ids: [] }), 'invalid');
      expectError(decodeFrame({ ...receipt, ids: Array.from({ length: LIMITS.receiptIds + 1 }, (_, i) => `m${i}`) }), 'invalid');
      expect(decodeFrame({ ...receipt, ids: Array.from({ length: LIMITS.receiptIds }, (_, i) => `m${i}`) }).ok).toBe(true);
    });

    it('an error frame with a code outside the list is invalid', () => {
      expectError(decodeFrame({ v: PROTOCOL_VERSION, type: 'error', code: 'teapot', message: 'short and stout' }), 'invalid');
    });

    it('names the offending field in the error message', () => {
      const error = expectError(decodeFrame(rawMessage({ thread: 'ana smith' })), 'invalid');
      expect(error.message).toContain('thread');
    });

    it('refers an invalid message to its id when the id is valid', () => {
      const error = expectError(decodeFrame(rawMessage({ text: '' })), 'invalid');
      expect(error.ref).toBe('msg-1');
    });

    it.each([
      ['malformed', 'msg 1'],
      ['too long', 'm'.repeat(LIMITS.idChars + 1)],
      ['not a string', 12],
      ['missing', undefined],
    ])('leaves out the reference when the id is %s', (_, id) => {
      const error = expectError(decodeFrame(rawMessage({ id, text: '' })), 'invalid');
      expect(error.ref).toBeUndefined();
    });
  });

  describe('size limit', () => {
    /** An encoded message frame of exactly `chars` characters. */
    function messageOfLength(chars: number): OutgoingFrame {
      const overhead = encodeFrame({ ...message, text: '' }).length;
      return { ...message, text: 'a'.repeat(chars - overhead) };
    }

    it('refuses text over the frame limit as too-large before parsing it', () => {
      const error = expectError(decodeFrame('x'.repeat(LIMITS.frameChars + 1)), 'too-large');
      expect(error.message).toContain(String(LIMITS.frameChars));
    });

    it('does not call a frame of exactly the limit too large', () => {
      const text = encodeFrame(messageOfLength(LIMITS.frameChars));
      expect(text).toHaveLength(LIMITS.frameChars);
      // Its text is far over the message limit, so it fails validation instead.
      expectError(decodeFrame(text), 'invalid');
    });

    it('encodeFrame throws a too-large ProtocolError for a frame over the limit', () => {
      expect(() => encodeFrame(messageOfLength(LIMITS.frameChars))).not.toThrow();
      const oversize = messageOfLength(LIMITS.frameChars + 1);
      expect(() => encodeFrame(oversize)).toThrow(ProtocolError);
      expect(() => encodeFrame(oversize)).toThrow(expect.objectContaining({ code: 'too-large' }));
    });
  });
});
