// Same-origin transport over BroadcastChannel: tabs of one site (the demo, kiosks, tests).
// Every tab on the channel sees every frame; the core filters by thread and role.
import { encodeFrame, type OutgoingFrame } from '../../protocol/index.js';
import { deliver } from './deliver.js';
import type { Transport, TransportSink } from './transport.js';

export class LocalTransport implements Transport {
  private channel?: BroadcastChannel;
  private sink?: TransportSink;

  constructor(readonly room = 'default') {}

  open(sink: TransportSink): void {
    this.sink = sink;
    this.channel = new BroadcastChannel(`clinic-chat:${this.room}`);
    this.channel.onmessage = (event: MessageEvent) => deliver(this.sink, event.data);
    sink.status('up');
  }

  send(frame: OutgoingFrame): boolean {
    if (!this.channel) return false;
    this.channel.postMessage(encodeFrame(frame));
    return true;
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
    this.sink?.status('down');
    this.sink = undefined;
  }
}
