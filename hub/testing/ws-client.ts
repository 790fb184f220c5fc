// A test client for the hub's WebSocket: a real `ws` socket that authenticates, records every
// frame, and lets a test wait for the frames it expects. Test-only.
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type Frame, type OutgoingFrame } from '../../protocol/index.js';

export class TestClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closeCode?: number;
  private readonly opened: Promise<void>;
  private readonly closedPromise: Promise<number>;
  private waiters: Array<() => void> = [];

  constructor(url: string, options: { origin?: string } = {}) {
    this.ws = new WebSocket(url, options.origin ? { origin: options.origin } : {});
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closedPromise = new Promise((resolve) =>
      this.ws.once('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      }),
    );
    this.ws.on('message', (data) => {
      const result = decodeFrame(data.toString());
      if (result.ok) this.frames.push(result.frame);
      this.wake();
    });
  }

  /** Connects and authenticates; resolves with the `ready` frame. */
  static async connect(url: string, token: string, options: { origin?: string; resume?: Array<{ thread: string; seq: number }> } = {}): Promise<TestClient> {
    const client = new TestClient(url, options);
    await client.opened;
    client.send({ type: 'auth', token });
    await client.waitFor((f) => f.type === 'ready' || f.type === 'error');
    if (client.closeCode === undefined && !client.frames.some((f) => f.type === 'error')) {
      client.send({ type: 'resume', seen: options.resume ?? [] });
      await client.waitFor((f) => f.type === 'synced');
    }
    return client;
  }

  async open(): Promise<void> {
    await this.opened;
  }

  send(frame: OutgoingFrame): void {
    this.ws.send(encodeFrame(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  of<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
  }

  /** Waits until a frame matching `predicate` has arrived (or the socket closed). */
  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(predicate);
      if (hit || this.closeCode !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for a frame; have ${this.frames.map((f) => f.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until `count` frames match. */
  async waitForCount(predicate: (frame: Frame) => boolean, count: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.filter(predicate).length < count) {
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) with ${this.frames.filter(predicate).length}/${count}`);
      if (Date.now() > deadline) throw new Error(`timed out with ${this.frames.filter(predicate).length}/${count} frames`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  closed(): Promise<number> {
    return this.closedPromise;
  }

  close(): void {
    this.ws.close();
  }

  /** Drops the connection without a closing handshake, like a phone losing its network. */
  kill(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
