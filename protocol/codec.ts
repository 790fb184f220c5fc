// Encoding and decoding of frames. Decoding never throws: it returns a typed result,
// so a transport can hand a bad frame's error to the core instead of crashing.
import * as v from 'valibot';
import { ProtocolError } from './errors.js';
import { FRAME_TYPES, FrameSchema, IdSchema, type Frame, type OutgoingFrame } from './frames.js';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: ProtocolError };

export function encodeFrame(frame: OutgoingFrame): string {
  const text = JSON.stringify({ v: PROTOCOL_VERSION, ...frame });
  if (text.length > LIMITS.frameChars) {
    throw new ProtocolError('too-large', `frame of ${text.length} characters exceeds ${LIMITS.frameChars}`);
  }
  return text;
}

/** Decodes JSON text (or an already-parsed value) into a validated frame. */
export function decodeFrame(raw: unknown): DecodeResult {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > LIMITS.frameChars) {
      return fail('too-large', `frame of ${raw.length} characters exceeds ${LIMITS.frameChars}`);
    }
    try {
      value = JSON.parse(raw);
    } catch {
      return fail('malformed', 'frame is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('malformed', 'frame must be a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (record.v !== PROTOCOL_VERSION) {
    return fail('unsupported-version', `protocol version ${describe(record.v)} is not ${PROTOCOL_VERSION}`);
  }
  if (!(FRAME_TYPES as readonly unknown[]).includes(record.type)) {
    return fail('unknown-type', `unknown frame type ${describe(record.type)}`);
  }
  const result = v.safeParse(FrameSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    const ref = typeof record.id === 'string' && v.is(IdSchema, record.id) ? record.id : undefined;
    return fail('invalid', `${record.type as string} frame: ${path ? path + ': ' : ''}${issue.message}`, ref);
  }
  return { ok: true, frame: result.output };
}

/**
 * Names an untrusted value in an error message. JSON.stringify() throws on a BigInt or a
 * cycle (both survive structured clone), String() on an object without a prototype.
 */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value === null || ['undefined', 'number', 'boolean', 'bigint'].includes(typeof value)) return String(value);
  return typeof value;
}

function fail(code: ProtocolError['code'], message: string, ref?: string): DecodeResult {
  return { ok: false, error: new ProtocolError(code, message, ref) };
}
