// One client's WebSocket: framing, backpressure and liveness. Sending never queues without
// bound: a socket whose unsent bytes pass the limit is closed with a resumable code, and the
// client catches up with `resume` when it reconnects.
import { nanoid } from 'nanoid';
import type { WebSocket } from 'ws';
import { encodeFrame, type OutgoingFrame } from '../../protocol/index.js';
import type { Identity } from '../auth/identity.js';
import type { LiveItem } from './broker.js';

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
  /** Answered the last ping (or sent a frame) since the previous heartbeat. */
  alive = true;
  authTimer?: ReturnType<typeof setTimeout>;
  expiryTimer?: ReturnType<typeof setTimeout>;
  closed = false;
  /** Per thread, a message turned away for now whose resend must come before any later message. */
  readonly resendFirst = new Map<string, string>();
  /** Staff: the conversation this socket said it is viewing (announced as left when the socket closes). */
  viewing?: string;
  /** Frames received and not yet handled; past a bound the socket is not read until they are. */
  inbound = 0;
  /**
   * Live frames (fan-out) held back while the client catches up with `resume`, so that history
   * and live frames reach it in order and once; undefined when nothing is held.
   */
  private held?: LiveItem[];
  private heldChars = 0;
  /**
   * Per thread, the last seq the client's catch-up carried. A live copy at or below it is one
   * the client has: with several hubs, a copy from another hub can arrive after the history
   * that already held it (it travels through Redis; the history was read from the database).
   */
  private readonly caughtUp = new Map<string, number>();

  constructor(
    readonly ws: WebSocket,
    /** The Origin header of the upgrade request, if the client sent one (browsers always do). */
    readonly origin: string | undefined,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: (session: Session) => void,
  ) {}

  /** Sends a frame; false if the socket is gone or was closed for reading too slowly. */
  send(frame: OutgoingFrame): boolean {
    return this.sendEncoded(encodeFrame(frame));
  }

  private sendEncoded(data: string): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.onOverflow(this);
      this.close(CLOSE.tryAgain, 'reading too slowly; reconnect and resume');
      return false;
    }
    this.ws.send(data);
    return true;
  }

  /**
   * Sends one live item, encoded once for all its recipients. While the client is catching up
   * the item is held (within the same byte bound as the socket's buffer).
   */
  deliver(item: LiveItem): boolean {
    if (this.closed) return false;
    if (item.seq !== undefined && item.seq <= (this.caughtUp.get(item.thread!) ?? 0)) return true;
    if (this.held) {
      this.held.push(item);
      for (const data of item.data) this.heldChars += data.length;
      if (this.heldChars > this.maxBufferedBytes) {
        this.onOverflow(this);
        this.close(CLOSE.tryAgain, 'reading too slowly; reconnect and resume');
        return false;
      }
      return true;
    }
    for (const data of item.data) if (!this.sendEncoded(data)) return false;
    return true;
  }

  /** Holds live frames from now until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, except messages the catch-up already carried (`have`: highest seq per thread), now or later. */
  release(have: ReadonlyMap<string, number>): void {
    for (const [thread, seq] of have) this.caughtUp.set(thread, Math.max(seq, this.caughtUp.get(thread) ?? 0));
    const held = this.held ?? [];
    this.held = undefined;
    this.heldChars = 0;
    for (const item of held) if (!this.deliver(item)) return;
  }

  /** The thread's conversation is gone (relay mode): a new one counts seq from 1 again. */
  forgetThread(thread: string): void {
    this.caughtUp.delete(thread);
  }

  close(code: number, reason: string): void {
    // Timers set after an earlier close (by work that was already under way) are cleared too.
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    this.held = undefined;
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }
}
