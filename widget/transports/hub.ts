// Transport to a clinic-chat hub over one WebSocket. It authenticates with the vendor's token
// in the first frame (never in the URL), says what it has seen when it reconnects so the hub
// sends exactly what was missed, refreshes the token before it expires, and reconnects with
// backoff. The core sees only frames and up/down.
import { decodeFrame, encodeFrame, ProtocolError, type Frame, type OutgoingFrame } from '../../protocol/index.js';
import type { Transport, TransportSink } from './transport.js';

/** What the transport needs of a WebSocket: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface HubTransportOptions {
  /** The hub's WebSocket URL, e.g. wss://chat.example.com/v1/ws. */
  url: string;
  /** Returns a fresh token signed by the vendor's backend; called before every connect and before expiry. */
  getToken: () => string | Promise<string>;
  /** A WebSocket constructor; defaults to the global one. */
  WebSocket?: new (url: string) => WebSocketLike;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Refresh the token this long before its `exp`. */
  refreshBeforeMs?: number;
  /** How long a quiet hub may go before a `ping`; three of these without an answer and the socket is given up. Default: the hub's `heartbeatMs`. */
  livenessMs?: number;
}

/** Close codes after which reconnecting cannot help. */
const FINAL_CLOSE = new Set([4003]);

export class HubTransport implements Transport {
  readonly kind = 'hub' as const;
  private sink?: TransportSink;
  private ws?: WebSocketLike;
  private ready = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private livenessTimer?: ReturnType<typeof setInterval>;
  /** When the hub was last heard from: a browser cannot see WebSocket pings, so we ask (`ping`) and time out. */
  private lastHeard = 0;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  /** The hub has answered this socket's `resume`: from now on messages arrive live, each thread in seq order. */
  private synced = false;
  /** Highest sequence number received per thread: what `resume` reports. */
  private readonly seen = new Map<string, number>();
  /** Others reading the same socket (the shared inbox): every frame the hub sends, after the core has it. */
  private readonly listeners = new Set<(frame: Frame) => void>();
  private readonly opts: Required<Omit<HubTransportOptions, 'WebSocket' | 'livenessMs'>> & Pick<HubTransportOptions, 'WebSocket' | 'livenessMs'>;

  constructor(options: HubTransportOptions) {
    this.opts = { minBackoffMs: 500, maxBackoffMs: 15000, refreshBeforeMs: 60_000, ...options };
  }

  open(sink: TransportSink): void {
    this.sink = sink;
    this.closed = false;
    sink.status('connecting');
    void this.connect();
  }

  send(frame: OutgoingFrame): boolean {
    if (!this.ready || !this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(encodeFrame(frame));
    return true;
  }

  /** Every frame from the hub, after the core's sink (and `ready`, which the core does not see); for a second reader of this socket such as the inbox. */
  listen(listener: (frame: Frame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks for a thread's stored history beyond what this page holds (the inbox opening a conversation). */
  catchUp(thread: string): void {
    this.fill(thread, this.seen.get(thread) ?? 0);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.refreshTimer);
    clearInterval(this.livenessTimer);
    this.ready = false;
    this.ws?.close(1000, 'bye');
    this.ws = undefined;
    this.sink?.status('down');
    this.sink = undefined;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let token: string;
    try {
      token = await this.opts.getToken();
    } catch {
      this.sink?.error(new ProtocolError('unauthorized', 'could not get a token'));
      return this.retry();
    }
    if (this.closed) return;
    const Ctor = this.opts.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => WebSocketLike);
    const ws = new Ctor(this.opts.url);
    this.ws = ws;
    ws.onopen = () => ws.send(encodeFrame({ type: 'auth', token }));
    ws.onmessage = (event) => this.onData(event.data, token);
    ws.onerror = () => undefined; // a close follows
    ws.onclose = (event) => this.lost(ws, event.code, event.reason);
  }

  /** The socket is gone (closed, or silent for too long): report down and reconnect unless told not to. */
  private lost(ws: WebSocketLike, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    const wasReady = this.ready;
    this.ready = false;
    clearTimeout(this.refreshTimer);
    clearInterval(this.livenessTimer);
    if (wasReady) this.sink?.status('down');
    if (FINAL_CLOSE.has(code)) {
      this.sink?.error(new ProtocolError('forbidden', reason || 'the hub refused this page'));
      return;
    }
    this.retry();
  }

  /** Pings when the hub has been quiet for a heartbeat; gives the socket up after three. */
  private watchLiveness(heartbeatMs: number): void {
    clearInterval(this.livenessTimer);
    this.livenessTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws || !this.ready) return;
      const quiet = Date.now() - this.lastHeard;
      if (quiet > heartbeatMs * 3) {
        // A dead network may take minutes to close the socket by itself: do not wait for it.
        ws.onclose = null;
        ws.close(4000, 'no answer');
        this.lost(ws, 4000, 'no answer');
      } else if (quiet >= heartbeatMs) {
        ws.send(encodeFrame({ type: 'ping' }));
      }
    }, heartbeatMs);
  }

  private onData(data: unknown, token: string): void {
    const text = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : String(data);
    const result = decodeFrame(text);
    if (!result.ok) return this.sink?.error(result.error);
    const frame: Frame = result.frame;
    this.lastHeard = Date.now();
    if (frame.type === 'pong') return;
    if (frame.type === 'ready') {
      this.ready = true;
      this.attempt = 0;
      this.watchLiveness(this.opts.livenessMs ?? frame.heartbeatMs);
      this.synced = false;
      const seen = [...this.seen].map(([thread, seq]) => ({ thread, seq }));
      this.ws?.send(encodeFrame({ type: 'resume', seen }));
      this.scheduleRefresh(token);
      this.sink?.status('up');
      // A second reader learns of each new session (the inbox forgets who it heard was viewing).
      for (const listener of this.listeners) listener(frame);
      return;
    }
    if (frame.type === 'synced') this.synced = true;
    if (frame.type === 'message' && frame.seq !== undefined) {
      const held = this.seen.get(frame.thread) ?? 0;
      // After the catch-up, live messages of a thread come in seq order: a jump means history this
      // page never got (a patient came back to a page that stayed open): ask for it.
      if (this.synced && frame.seq > held + 1) this.fill(frame.thread, held);
      this.seen.set(frame.thread, Math.max(held, frame.seq));
    }
    // A patient this care-team page holds nothing of has joined: their history may be stored.
    if (this.synced && frame.type === 'presence' && frame.from.role === 'patient' && frame.state === 'joined' && !this.seen.has(frame.from.id)) {
      this.fill(frame.from.id, 0);
    }
    this.sink?.frame(frame);
    for (const listener of this.listeners) listener(frame);
  }

  /** Asks the hub for one thread's messages after `afterSeq` (duplicates of what arrives live are dropped by the core). */
  private fill(thread: string, afterSeq: number): void {
    if (this.ws?.readyState === 1) this.ws.send(encodeFrame({ type: 'resume', seen: [{ thread, seq: afterSeq }], only: true }));
  }

  private retry(): void {
    if (this.closed) return;
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.attempt++);
    // Full jitter: a hub restart must not be met by every client at the same instant.
    const delay = base / 2 + Math.random() * (base / 2);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Sends a fresh token on the live socket shortly before the current one expires. */
  private scheduleRefresh(token: string): void {
    clearTimeout(this.refreshTimer);
    const exp = tokenExpiry(token);
    if (!exp) return;
    const left = exp - Date.now();
    // A minute ahead, or at three quarters of the life of a token shorter than that: a short-lived
    // token must not be refreshed every second.
    const delay = Math.max(1000, left - Math.min(this.opts.refreshBeforeMs, left / 4));
    this.refreshTimer = setTimeout(async () => {
      try {
        const fresh = await this.opts.getToken();
        if (this.ready && this.ws?.readyState === 1) {
          this.ws.send(encodeFrame({ type: 'auth', token: fresh }));
          this.scheduleRefresh(fresh);
        }
      } catch {
        this.sink?.error(new ProtocolError('unauthorized', 'could not refresh the token'));
      }
    }, Math.min(delay, 2 ** 31 - 1));
  }
}

/** What a JWT says about its bearer, read without verifying (the hub verifies). */
export interface TokenClaims {
  sub?: string;
  name?: string;
  role?: string;
  visit?: string;
  exp?: number;
}

export function readTokenClaims(token: string): TokenClaims {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as TokenClaims) : {};
  } catch {
    return {};
  }
}

function tokenExpiry(token: string): number | undefined {
  const exp = readTokenClaims(token).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
