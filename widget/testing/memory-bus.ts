// A deterministic in-memory network for unit tests of the core: frames are queued and
// delivered on `flush()`, through the real codec, and the test can cut a peer off, lose
// or duplicate frames. Test-only; not part of the package.
import { encodeFrame, type OutgoingFrame } from '../../protocol/index.js';
import { deliver } from '../transports/deliver.js';
import type { Transport, TransportSink } from '../transports/transport.js';

export class MemoryBus {
  private readonly ends = new Set<BusTransport>();
  private queue: Array<{ from: BusTransport; text: string }> = [];
  /** Frames for which this returns true are lost in transit. */
  lose: (frame: OutgoingFrame, from: BusTransport) => boolean = () => false;
  /** Frames for which this returns true arrive twice. */
  duplicate: (frame: OutgoingFrame) => boolean = () => false;

  transport(): BusTransport {
    return new BusTransport(this);
  }

  /** Delivers queued frames (and those they cause) until the network is quiet. */
  flush(limit = 10_000): void {
    for (let i = 0; this.queue.length && i < limit; i++) {
      const { from, text } = this.queue.shift()!;
      for (const end of this.ends) if (end !== from && end.up) end.receive(text);
    }
  }

  /** Injects raw data as if a peer had sent it. */
  inject(data: unknown): void {
    for (const end of this.ends) if (end.up) end.receive(data);
  }

  /** @internal */
  attach(end: BusTransport): void {
    this.ends.add(end);
  }
  /** @internal */
  detach(end: BusTransport): void {
    this.ends.delete(end);
  }
  /** @internal */
  post(from: BusTransport, frame: OutgoingFrame): void {
    if (this.lose(frame, from)) return;
    const text = encodeFrame(frame);
    this.queue.push({ from, text });
    if (this.duplicate(frame)) this.queue.push({ from, text });
  }
}

export class BusTransport implements Transport {
  up = false;
  sent: OutgoingFrame[] = [];
  private sink?: TransportSink;

  constructor(private readonly bus: MemoryBus) {}

  open(sink: TransportSink): void {
    this.sink = sink;
    this.bus.attach(this);
    this.setUp(true);
  }

  send(frame: OutgoingFrame): boolean {
    if (!this.up) return false;
    this.sent.push(frame);
    this.bus.post(this, frame);
    return true;
  }

  close(): void {
    this.setUp(false);
    this.bus.detach(this);
  }

  /** Cuts this end off the network (a dropped connection) or brings it back. */
  setUp(up: boolean): void {
    this.up = up;
    this.sink?.status(up ? 'up' : 'down');
  }

  receive(data: unknown): void {
    deliver(this.sink, data);
  }
}
