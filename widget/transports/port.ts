// Transport over a channel the host page already has: an RTCDataChannel, a MessagePort,
// a WebSocket, or any object with send(string) and message events. `attach()` swaps in a
// new channel after the old one dropped (a renegotiated call); the core resends what the
// peer has not acknowledged, and the peer drops duplicates by client id.
import { encodeFrame, type OutgoingFrame } from '../../protocol/index.js';
import { deliver } from './deliver.js';
import type { Transport, TransportSink } from './transport.js';

/** What the port transport can drive: the common shape of RTCDataChannel, WebSocket and MessagePort. */
export interface PortLike {
  send?(data: string): void;
  postMessage?(data: string): void;
  start?(): void;
  close?(): void;
  readonly readyState?: string | number;
  // Listeners take a plain Event: EventTarget's own signature accepts no narrower callback,
  // so anything tighter would reject the DOM's RTCDataChannel, WebSocket and MessagePort.
  addEventListener(type: 'message' | 'open' | 'close', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'open' | 'close', listener: (event: Event) => void): void;
}

export class PortTransport implements Transport {
  private sink?: TransportSink;
  private port?: PortLike;
  private up = false;
  private readonly onMessage = (event: Event) => deliver(this.sink, (event as MessageEvent).data);
  private readonly onOpen = () => this.setUp(true);
  private readonly onClose = () => this.setUp(false);

  constructor(port?: PortLike) {
    this.port = port;
  }

  open(sink: TransportSink): void {
    this.sink = sink;
    sink.status('connecting');
    if (this.port) this.listen(this.port);
  }

  /** Replaces the underlying channel, e.g. with a new data channel after a reconnect. */
  attach(port: PortLike): void {
    if (this.port) this.unlisten(this.port);
    this.port = port;
    if (this.sink) this.listen(port);
  }

  /** Forgets the current channel (it is gone); frames wait in the core's outbox until `attach()`. */
  detach(): void {
    if (this.port) this.unlisten(this.port);
    this.port = undefined;
    this.setUp(false);
  }

  send(frame: OutgoingFrame): boolean {
    const port = this.port;
    if (!port || !this.up) return false;
    const text = encodeFrame(frame);
    try {
      if (port.send) port.send(text);
      else port.postMessage!(text);
      return true;
    } catch {
      // A channel that closed under us throws on send; treat it as down and let the outbox retry.
      this.setUp(false);
      return false;
    }
  }

  /** Stops listening; the channel stays attached, so the transport can be opened again (a page restored from cache). */
  close(): void {
    if (this.port) this.unlisten(this.port);
    this.setUp(false);
    this.sink = undefined;
  }

  private listen(port: PortLike): void {
    port.addEventListener('message', this.onMessage);
    port.addEventListener('open', this.onOpen);
    port.addEventListener('close', this.onClose);
    if (port.start) port.start();
    const state = port.readyState;
    // MessagePort and plain emitters have no readyState: they are usable at once.
    this.setUp(state === undefined || state === 'open' || state === 1);
  }

  private unlisten(port: PortLike): void {
    port.removeEventListener('message', this.onMessage);
    port.removeEventListener('open', this.onOpen);
    port.removeEventListener('close', this.onClose);
  }

  private setUp(up: boolean): void {
    if (this.up === up && this.sink) {
      return;
    }
    this.up = up;
    this.sink?.status(up ? 'up' : 'down');
  }
}
