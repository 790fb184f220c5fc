// One client's WebSocket: framing, backpressure and liveness. Sending never queues without
// bound: a socket whose unsent bytes pass the limit is closed with a resumable code, and the
// client catches up with `resume` when it reconnects.
import { nanoid } from 'nanoid';
import type { WebSocket } from 'ws';
import { encodeFrame, type OutgoingFrame } from '../../protocol/index.js';
import type { Identity } from '../auth/identity.js';

/** Close codes. 1012/1013 are resumable (reconnect and resume); 40xx tell the client what to fix. */
export const CLOSE = {
  restart: 1012, // the hub is shutting down: reconnect
  tryAgain: 1013, // the client read too slowly: reconnect and resume
  unauthorized: 4001, // get a fresh token, then reconnect
  forbidden: 4003, // this origin may not connect for this org: do not retry
  authTimeout: 4008, // no auth frame in time
} as const;

export class Session {
  readonly id = nanoid(12);
  identity?: Identity;
  /** Patient's thread (their external id); staff: undefined. */
  alive = true;
  authTimer?: ReturnType<typeof setTimeout>;
  expiryTimer?: ReturnType<typeof setTimeout>;
  closed = false;

  constructor(
    readonly ws: WebSocket,
    /** The Origin header of the upgrade request, if the client sent one (browsers always do). */
    readonly origin: string | undefined,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: (session: Session) => void,
  ) {}

  /** Sends a frame; false if the socket is gone or was closed for reading too slowly. */
  send(frame: OutgoingFrame): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.onOverflow(this);
      this.close(CLOSE.tryAgain, 'reading too slowly; reconnect and resume');
      return false;
    }
    this.ws.send(encodeFrame(frame));
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    this.ws.close(code, reason);
  }
}
