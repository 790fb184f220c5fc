// Typed protocol errors: every rejection carries a stable machine-readable code.

export const ERROR_CODES = [
  'malformed', // not JSON, or JSON that is not an object
  'unsupported-version',
  'unknown-type',
  'invalid', // a known frame type whose fields do not match its schema
  'too-large',
  'unsupported-type', // an attachment that is not an image or PDF
  'not-allowed',
  'chat-ended',
  'rate-limited',
  'opted-out',
  // hub
  'unauthorized', // no, expired, wrongly signed or foreign token
  'forbidden', // authenticated, but not allowed to touch that
  'not-found', // unknown id (or an id of another org: we do not say which)
  'overloaded', // the hub is shedding load or the client reads too slowly
  'not-configured', // the hub was not set up for this (e-mail without SMTP)
  'upstream', // a server the hub relies on (the SMTP server) refused or failed
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Id of the message or frame the error is about, when known. */
    readonly ref?: string,
  ) {
    super(message);
  }
}
