// The transports over the real channels Node shares with browsers (BroadcastChannel,
// MessagePort, EventTarget), and the core riding a port that drops and is replaced.
// Delivery on these channels is asynchronous, so tests wait for what they expect with
// vi.waitFor, and prove that something never arrives by sending a later marker behind it.
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { LIMITS, PROTOCOL_VERSION, encodeFrame, type Frame, type OutgoingFrame, type ProtocolError } from '../../protocol/index.js';
import { ChatCore } from '../core/chat-core.js';
import type { ChatMessage } from '../core/types.js';
import { LocalTransport } from './local.js';
import { PortTransport, type PortLike } from './port.js';
import type { TransportSink, TransportStatus } from './transport.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

let rooms = 0;
/** A room name no other test uses, so a late frame from one test cannot reach another. */
const uniqueRoom = (name: string) => `${name}-${++rooms}`;

function messageChannel(): MessageChannel {
  const channel = new MessageChannel();
  cleanups.push(() => {
    channel.port1.close();
    channel.port2.close();
  });
  return channel;
}

/** A raw BroadcastChannel on a room, as a misbehaving tab would open it. */
function rawRoom(room: string): BroadcastChannel {
  const channel = new BroadcastChannel(`clinic-chat:${room}`);
  cleanups.push(() => channel.close());
  return channel;
}

function local(room: string) {
  const transport = new LocalTransport(room);
  const sink = recorder();
  transport.open(sink.sink);
  cleanups.push(() => transport.close());
  return { transport, ...sink };
}

function recorder() {
  const frames: Frame[] = [];
  const errors: ProtocolError[] = [];
  const statuses: TransportStatus[] = [];
  const sink: TransportSink = {
    frame: (frame) => frames.push(frame),
    error: (error) => errors.push(error),
    status: (status) => statuses.push(status),
  };
  return { sink, frames, errors, statuses };
}

function port(channel?: MessagePort) {
  const transport = new PortTransport(channel);
  const sink = recorder();
  transport.open(sink.sink);
  cleanups.push(() => transport.close());
  return { transport, ...sink };
}

const typing = (from: string, active = true): OutgoingFrame => ({ type: 'typing', from, thread: 'ana', active });
const decoded = (frame: OutgoingFrame): Frame => ({ v: PROTOCOL_VERSION, ...frame }) as Frame;

/** An RTCDataChannel as PortTransport sees it: readyState, send() and open/close/message events. */
class FakeDataChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  readonly sent: string[] = [];

  send(data: string): void {
    if (this.readyState !== 'open') throw new DOMException('RTCDataChannel.readyState is not open', 'InvalidStateError');
    this.sent.push(data);
  }

  connect(): void {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }

  drop(): void {
    this.readyState = 'closed';
    this.dispatchEvent(new Event('close'));
  }

  receive(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

describe('LocalTransport', () => {
  it('two transports in one room exchange frames, and a frame posted on another room never arrives', async () => {
    const room = uniqueRoom('clinic');
    const other = uniqueRoom('clinic');
    const ana = local(room);
    const lee = local(room);
    const elsewhere = local(other);
    const neighbour = local(other);

    ana.transport.send(typing('ana'));
    lee.transport.send(typing('dr-lee'));
    // Sent last: once it has arrived, the other room's frames had their chance to leak in.
    neighbour.transport.send(typing('bo'));

    await vi.waitFor(() => {
      expect(lee.frames).toEqual([decoded(typing('ana'))]);
      expect(ana.frames).toEqual([decoded(typing('dr-lee'))]);
      expect(elsewhere.frames).toEqual([decoded(typing('bo'))]);
    });
    expect(neighbour.frames).toEqual([]);
  });

  it('reports up when opened and down when closed, and cannot send unless open', () => {
    const transport = new LocalTransport(uniqueRoom('clinic'));
    const sink = recorder();
    expect(transport.send(typing('ana'))).toBe(false);
    transport.open(sink.sink);
    expect(sink.statuses).toEqual(['up']);
    expect(transport.send(typing('ana'))).toBe(true);
    transport.close();
    expect(sink.statuses).toEqual(['up', 'down']);
    expect(transport.send(typing('ana'))).toBe(false);
  });

  it('delivers frames decoded and validated, with unknown fields stripped', async () => {
    const room = uniqueRoom('clinic');
    const lee = local(room);
    const tab = rawRoom(room);
    tab.postMessage(JSON.stringify({ ...decoded(typing('ana')), admin: true }));
    // An already-parsed object goes through the same schema.
    tab.postMessage({ ...decoded(typing('ana', false)), script: '<img onerror>' });
    await vi.waitFor(() => expect(lee.frames).toEqual([decoded(typing('ana')), decoded(typing('ana', false))]));
    expect(lee.errors).toEqual([]);
  });

  it('turns garbage on the channel into typed errors without throwing, and keeps working', async () => {
    const room = uniqueRoom('clinic');
    const lee = local(room);
    const tab = rawRoom(room);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const garbage: Array<[unknown, string]> = [
      ['{oops', 'malformed'],
      [42, 'malformed'],
      [[decoded(typing('ana'))], 'malformed'],
      [{ hello: 'world' }, 'unsupported-version'],
      [JSON.stringify({ ...decoded(typing('ana')), v: 2 }), 'unsupported-version'],
      [{ v: PROTOCOL_VERSION, type: 'teleport' }, 'unknown-type'],
      // Structured clone carries BigInts and cycles, which JSON cannot.
      [{ v: PROTOCOL_VERSION, type: 10n }, 'unknown-type'],
      [{ v: PROTOCOL_VERSION, type: cyclic }, 'unknown-type'],
      [{ ...decoded(typing('ana')), from: 'ana smith' }, 'invalid'],
      ['x'.repeat(LIMITS.frameChars + 1), 'too-large'],
    ];
    for (const [data] of garbage) tab.postMessage(data);
    tab.postMessage(encodeFrame(typing('ana')));

    await vi.waitFor(() => expect(lee.frames).toEqual([decoded(typing('ana'))]));
    expect(lee.errors.map((e) => e.code)).toEqual(garbage.map(([, code]) => code));
  });

  it('refers an invalid message to its id', async () => {
    const room = uniqueRoom('clinic');
    const lee = local(room);
    const ana = { id: 'ana', name: 'Ana', role: 'patient' };
    rawRoom(room).postMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'message', id: 'm-7', thread: 'ana', from: ana, text: ' ', at: 1, clock: 1 }));
    await vi.waitFor(() => expect(lee.errors).toHaveLength(1));
    expect(lee.errors[0]).toMatchObject({ code: 'invalid', ref: 'm-7' });
  });

  it('a closed transport hears nothing more', async () => {
    const room = uniqueRoom('clinic');
    const ana = local(room);
    const lee = local(room);
    const marker = local(room);
    lee.transport.close();
    ana.transport.send(typing('ana'));
    await vi.waitFor(() => expect(marker.frames).toEqual([decoded(typing('ana'))]));
    expect(lee.frames).toEqual([]);
    expect(ana.frames).toEqual([]);
  });
});

describe('PortTransport', () => {
  // Enforced by the typecheck (tsc), not at run time: a host must be able to pass its channel as is.
  it('accepts the channels a host page has without a cast', () => {
    expectTypeOf<RTCDataChannel>().toExtend<PortLike>();
    expectTypeOf<WebSocket>().toExtend<PortLike>();
    expectTypeOf<MessagePort>().toExtend<PortLike>();
    expectTypeOf<FakeDataChannel>().toExtend<PortLike>();
  });

  it('over a MessagePort reports up at once, and sends and receives both ways', async () => {
    const { port1, port2 } = messageChannel();
    const ana = port(port1);
    const lee = port(port2);
    expect(ana.statuses).toEqual(['connecting', 'up']);
    expect(lee.statuses).toEqual(['connecting', 'up']);

    expect(ana.transport.send(typing('ana'))).toBe(true);
    expect(lee.transport.send(typing('dr-lee'))).toBe(true);
    await vi.waitFor(() => {
      expect(lee.frames).toEqual([decoded(typing('ana'))]);
      expect(ana.frames).toEqual([decoded(typing('dr-lee'))]);
    });
  });

  it('turns garbage on the port into typed errors, and accepts a frame sent as binary', async () => {
    const { port1, port2 } = messageChannel();
    const lee = port(port2);
    port1.postMessage('{oops');
    port1.postMessage({ v: 2, type: 'typing' });
    port1.postMessage({ v: PROTOCOL_VERSION, type: 10n });
    port1.postMessage(JSON.stringify({ ...decoded(typing('ana')), active: 'yes' }));
    // A data channel may deliver text frames as ArrayBuffers.
    port1.postMessage(new TextEncoder().encode(encodeFrame(typing('ana'))).buffer);
    await vi.waitFor(() => expect(lee.frames).toEqual([decoded(typing('ana'))]));
    expect(lee.errors.map((e) => e.code)).toEqual(['malformed', 'unsupported-version', 'unknown-type', 'invalid']);
  });

  it('send returns false with no port, after detach and after close', () => {
    const { port1 } = messageChannel();
    const ana = port();
    expect(ana.statuses).toEqual(['connecting']);
    expect(ana.transport.send(typing('ana'))).toBe(false);

    ana.transport.attach(port1);
    expect(ana.transport.send(typing('ana'))).toBe(true);

    ana.transport.detach();
    expect(ana.statuses).toEqual(['connecting', 'up', 'down']);
    expect(ana.transport.send(typing('ana'))).toBe(false);

    ana.transport.attach(port1);
    ana.transport.close();
    expect(ana.statuses).toEqual(['connecting', 'up', 'down', 'up', 'down']);
    expect(ana.transport.send(typing('ana'))).toBe(false);
  });

  it('follows a data channel from connecting to up to down', () => {
    const channel = new FakeDataChannel();
    const ana = new PortTransport(channel);
    const sink = recorder();
    ana.open(sink.sink);
    expect(sink.statuses).toEqual(['connecting']);
    expect(ana.send(typing('ana'))).toBe(false);

    channel.connect();
    expect(sink.statuses).toEqual(['connecting', 'up']);
    expect(ana.send(typing('ana'))).toBe(true);
    expect(channel.sent).toEqual([encodeFrame(typing('ana'))]);

    channel.receive(encodeFrame(typing('dr-lee')));
    channel.receive('{oops');
    expect(sink.frames).toEqual([decoded(typing('dr-lee'))]);
    expect(sink.errors.map((e) => e.code)).toEqual(['malformed']);

    channel.drop();
    expect(sink.statuses).toEqual(['connecting', 'up', 'down']);
    expect(ana.send(typing('ana'))).toBe(false);
    expect(channel.sent).toHaveLength(1);
    ana.close();
  });

  it('treats a port whose send throws as down', () => {
    const channel = new FakeDataChannel();
    const ana = new PortTransport(channel);
    const sink = recorder();
    ana.open(sink.sink);
    channel.connect();
    // The channel closed under us before its close event was dispatched.
    channel.readyState = 'closed';
    expect(ana.send(typing('ana'))).toBe(false);
    expect(sink.statuses).toEqual(['connecting', 'up', 'down']);
    ana.close();
  });

  it('reports down when the other end closes the MessagePort', async () => {
    const { port1, port2 } = messageChannel();
    const ana = port(port1);
    port2.close();
    await vi.waitFor(() => expect(ana.statuses).toEqual(['connecting', 'up', 'down']));
    expect(ana.transport.send(typing('ana'))).toBe(false);
  });

  it('attach() of a new port after a drop brings it back up, and the old port is no longer heard', async () => {
    const first = messageChannel();
    const second = messageChannel();
    const channel = new FakeDataChannel();
    const ana = new PortTransport(channel);
    const sink = recorder();
    ana.open(sink.sink);
    channel.connect();
    channel.drop();

    ana.attach(first.port1);
    expect(sink.statuses).toEqual(['connecting', 'up', 'down', 'up']);
    // Events of the replaced channel no longer reach the transport.
    channel.connect();
    channel.receive(encodeFrame(typing('old')));
    expect(sink.statuses).toEqual(['connecting', 'up', 'down', 'up']);
    expect(sink.frames).toEqual([]);

    ana.detach();
    ana.attach(second.port1);
    first.port2.postMessage(encodeFrame(typing('old')));
    second.port2.postMessage(encodeFrame(typing('new')));
    await vi.waitFor(() => expect(sink.frames).toEqual([decoded(typing('new'))]));
    expect(sink.statuses).toEqual(['connecting', 'up', 'down', 'up', 'down', 'up']);
    expect(ana.send(typing('ana'))).toBe(true);
    ana.close();
  });
});

describe('ChatCore over a PortTransport pair', () => {
  const fast = { retryMs: 100, heartbeatMs: 100 };

  function start(core: ChatCore): ChatCore {
    cleanups.push(() => core.stop());
    core.start();
    return core;
  }

  const texts = (core: ChatCore) => core.state.threads.find((t) => t.id === 'ana')?.messages.map((m) => m.text) ?? [];
  const statusOf = (core: ChatCore, wanted: readonly string[]) =>
    core.state.threads[0].messages.filter((m) => wanted.includes(m.text)).map((m) => m.status);

  it('delivers what the patient sent while the channel was down exactly once, in order, after a new channel is attached', async () => {
    const first = messageChannel();
    const patientPort = new PortTransport(first.port1);
    const providerPort = new PortTransport(first.port2);
    const ana = start(new ChatCore({ me: { id: 'ana', name: 'Ana', role: 'patient' }, transport: patientPort, visit: 'visit-1', ...fast }));
    const lee = start(new ChatCore({ me: { id: 'dr-lee', name: 'Dr Lee', role: 'provider' }, transport: providerPort, ...fast }));
    const arrived: ChatMessage[] = [];
    lee.events.on('message', ({ message }) => arrived.push(message));

    await vi.waitFor(() => {
      expect(ana.state.threads[0].present).toBe(true);
      expect(lee.state.threads.map((t) => [t.id, t.present])).toEqual([['ana', true]]);
    });
    await ana.send('Hello, I have a rash');
    await vi.waitFor(() => expect(texts(lee)).toEqual(['Hello, I have a rash']));
    lee.open('ana');
    await lee.send('Can you describe it?');
    await vi.waitFor(() => {
      expect(texts(ana)).toEqual(['Hello, I have a rash', 'Can you describe it?']);
      expect(statusOf(ana, ['Hello, I have a rash'])).toEqual(['read']);
      expect(statusOf(lee, ['Can you describe it?'])).toEqual(['read']);
    });
    // With the provider's page hidden, a receipt means delivered, not read.
    lee.setVisible(false);

    // The data channel dies: both sides lose it.
    patientPort.detach();
    providerPort.detach();
    first.port1.close();
    expect(ana.state.connection).toBe('offline');
    expect(lee.state.connection).toBe('offline');
    const whileDown = ['one', 'two', 'three', 'four', 'five'];
    for (const text of whileDown) await ana.send(text);
    expect(statusOf(ana, whileDown)).toEqual(whileDown.map(() => 'sending'));
    // The drop outlasts three heartbeats: each side decides the other has gone, so the
    // reunion below resends on both the transport coming up and the peer reappearing.
    await vi.waitFor(() => {
      expect(ana.state.threads[0].present).toBe(false);
      expect(lee.state.threads[0].present).toBe(false);
    });
    expect(statusOf(ana, whileDown)).toEqual(whileDown.map(() => 'sending'));
    expect(texts(lee)).toEqual(['Hello, I have a rash', 'Can you describe it?']);

    const second = messageChannel();
    patientPort.attach(second.port1);
    providerPort.attach(second.port2);
    await vi.waitFor(() => expect(statusOf(ana, whileDown)).toEqual(whileDown.map(() => 'delivered')), { timeout: 3000 });
    expect(ana.state.connection).toBe('online');
    expect(lee.state.connection).toBe('online');
    expect(ana.state.threads[0].present).toBe(true);

    // Let retries that crossed the receipts arrive: they must not show twice.
    await new Promise((resolve) => setTimeout(resolve, 3 * fast.retryMs));
    expect(arrived.map((m) => m.text)).toEqual(['Hello, I have a rash', ...whileDown]);
    expect(texts(lee)).toEqual(['Hello, I have a rash', 'Can you describe it?', ...whileDown]);
    expect(lee.state.threads[0].unread).toBe(whileDown.length);

    lee.setVisible(true);
    await vi.waitFor(() => expect(statusOf(ana, whileDown)).toEqual(whileDown.map(() => 'read')));
  });
});
