import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBus } from '../testing/memory-bus.js';
import { ChatCore } from './chat-core.js';
import type { ChatCoreOptions } from './chat-core.js';
import type { CoreEventMap, Retention } from './types.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 40_000 }, (_, i) => i % 251)]);

function world(retention: Retention = 'session', extra: Partial<ChatCoreOptions> = {}) {
  const bus = new MemoryBus();
  const cores: ChatCore[] = [];
  const make = (id: string, name: string, role: 'patient' | 'provider', visit?: string) => {
    const transport = bus.transport();
    const core = new ChatCore({ me: { id, name, role }, transport, retention, visit, ...extra });
    core.start();
    cores.push(core);
    bus.flush();
    return { core, transport };
  };
  return {
    bus,
    provider: (id = 'dr-lee', name = 'Dr Lee') => make(id, name, 'provider'),
    patient: (id: string, name = id, visit = 'visit-1') => make(id, name, 'patient', visit),
    stopAll: () => cores.forEach((c) => c.stop()),
  };
}

function thread(core: ChatCore, id: string) {
  const t = core.state.threads.find((x) => x.id === id);
  if (!t) throw new Error(`no thread ${id}`);
  return t;
}

function texts(core: ChatCore, id: string) {
  return thread(core, id).messages.map((m) => m.text);
}

function record<K extends keyof CoreEventMap>(core: ChatCore, name: K) {
  const seen: CoreEventMap[K][] = [];
  core.events.on(name, (d) => seen.push(d));
  return seen;
}

describe('ChatCore', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('puts a patient who joins into the provider queue, in order of arrival', () => {
    const w = world();
    const { core: dr } = w.provider();
    const presence = record(dr, 'presence');
    w.patient('ana', 'Ana');
    expect(presence).toEqual([{ thread: 'ana', present: true }]);
    vi.advanceTimersByTime(10);
    w.patient('ben', 'Ben');
    w.bus.flush();
    expect(dr.state.threads.map((t) => [t.id, t.patient.name, t.present])).toEqual([
      ['ana', 'Ana', true],
      ['ben', 'Ben', true],
    ]);
  });

  it('a patient sees the care team online once a provider is there', () => {
    const w = world();
    const { core: ana } = w.patient('ana');
    expect(thread(ana, 'ana').present).toBe(false);
    w.provider();
    w.bus.flush();
    expect(thread(ana, 'ana').present).toBe(true);
  });

  it('walks a message through sending → sent → delivered → read', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    w.bus.flush();
    const sent = await ana.send('Hello, I have a rash');
    expect(sent.status).toBe('sent');
    w.bus.flush();
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
    expect(texts(dr, 'ana')).toEqual(['Hello, I have a rash']);
    dr.open('ana');
    w.bus.flush();
    expect(thread(ana, 'ana').messages[0].status).toBe('read');
  });

  it('keeps a message in sending while the transport is down, and delivers it once when it returns', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana, transport } = w.patient('ana');
    transport.setUp(false);
    expect(ana.state.connection).toBe('offline');
    await ana.send('are you there?');
    expect(thread(ana, 'ana').messages[0].status).toBe('sending');
    w.bus.flush();
    expect(dr.state.threads.find((t) => t.id === 'ana')?.messages ?? []).toEqual([]);
    transport.setUp(true);
    w.bus.flush();
    expect(texts(dr, 'ana')).toEqual(['are you there?']);
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
  });

  it('retries a lost message until the receipt arrives, and the receiver shows it once', async () => {
    const w = world('session', { retryMs: 1000 });
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    let drops = 2;
    w.bus.lose = (f) => f.type === 'message' && drops-- > 0;
    await ana.send('first');
    w.bus.flush();
    expect(thread(ana, 'ana').messages[0].status).toBe('sent');
    vi.advanceTimersByTime(1000);
    w.bus.flush();
    vi.advanceTimersByTime(2000);
    w.bus.flush();
    expect(texts(dr, 'ana')).toEqual(['first']);
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
  });

  it('drops duplicates by client id and answers a resend with a fresh receipt', async () => {
    const w = world('session', { retryMs: 1000 });
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    w.bus.duplicate = (f) => f.type === 'message';
    w.bus.lose = (f) => f.type === 'delivered' && thread(ana, 'ana').messages[0]?.status === 'sent' && lostOnce-- > 0;
    let lostOnce = 1;
    await ana.send('once only');
    w.bus.flush();
    vi.advanceTimersByTime(1000);
    w.bus.flush();
    expect(texts(dr, 'ana')).toEqual(['once only']);
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
  });

  it('orders a reply after the message it answers, whatever the device clocks say', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    await ana.send('question');
    w.bus.flush();
    dr.open('ana');
    vi.setSystemTime(Date.now() - 60_000); // the provider's clock is a minute behind
    await dr.send('answer');
    w.bus.flush();
    expect(texts(ana, 'ana')).toEqual(['question', 'answer']);
    expect(texts(dr, 'ana')).toEqual(['question', 'answer']);
  });

  it('counts unread per patient and clears the count when that chat is opened', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    const { core: ben } = w.patient('ben');
    const unread = record(dr, 'unread');
    await ana.send('a1');
    await ana.send('a2');
    await ben.send('b1');
    w.bus.flush();
    expect([thread(dr, 'ana').unread, thread(dr, 'ben').unread, dr.state.totalUnread]).toEqual([2, 1, 3]);
    dr.open('ana');
    expect([thread(dr, 'ana').unread, dr.state.totalUnread]).toEqual([0, 1]);
    expect(unread.at(-1)).toEqual({ thread: 'ana', unread: 0, total: 1 });
  });

  it('keeps the box on the current patient when another patient writes', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    const { core: ben } = w.patient('ben');
    await ana.send('hi');
    w.bus.flush();
    dr.open('ana');
    await ben.send('me too');
    w.bus.flush();
    expect([dr.state.active, dr.state.box]).toEqual(['ana', 'open']);
    expect(thread(dr, 'ben').unread).toBe(1);
    expect(thread(dr, 'ana').unread).toBe(0);
  });

  it('re-opens a minimized box when that patient writes, but not when another does', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    const { core: ben } = w.patient('ben');
    dr.open('ana');
    dr.minimize();
    await ben.send('hello?');
    w.bus.flush();
    expect(dr.state.box).toBe('minimized');
    await ana.send('still here');
    w.bus.flush();
    expect([dr.state.active, dr.state.box, thread(dr, 'ana').unread]).toEqual(['ana', 'open', 0]);
  });

  it('keeps a patient\'s minimized chat folded when the care team writes, and counts the message', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    ana.minimize();
    dr.open('ana');
    await dr.send('how are you?');
    w.bus.flush();
    expect([ana.state.box, ana.state.threads[0].unread]).toEqual(['minimized', 1]);
  });

  it('leaves a closed box closed when that patient writes, and the badge counts', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    dr.open('ana');
    dr.close();
    await ana.send('one');
    await ana.send('two');
    w.bus.flush();
    expect(dr.state.box).toBe('closed');
    expect(thread(dr, 'ana').unread).toBe(2);
  });

  it('counts messages that arrive while the page is hidden as unread, and reads them when it shows', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    dr.open('ana');
    dr.setVisible(false);
    await ana.send('hidden');
    w.bus.flush();
    expect(thread(dr, 'ana').unread).toBe(1);
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
    dr.setVisible(true);
    w.bus.flush();
    expect(thread(dr, 'ana').unread).toBe(0);
    expect(thread(ana, 'ana').messages[0].status).toBe('read');
  });

  it('marks a patient who says goodbye as gone, and refuses to send to them', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    dr.open('ana');
    ana.stop();
    w.bus.flush();
    expect(thread(dr, 'ana').present).toBe(false);
    await expect(dr.send('hello?')).rejects.toMatchObject({ code: 'chat-ended' });
    expect(thread(dr, 'ana').messages).toEqual([]);
  });

  it('marks a silent patient as gone after three missed heartbeats', () => {
    const w = world('session', { heartbeatMs: 1000 });
    const { core: dr } = w.provider();
    const { transport } = w.patient('ana');
    transport.setUp(false); // the phone lost its network: no goodbye
    w.bus.flush();
    vi.advanceTimersByTime(2500);
    expect(thread(dr, 'ana').present).toBe(true);
    vi.advanceTimersByTime(1500);
    expect(thread(dr, 'ana').present).toBe(false);
  });

  it('shows the patient that the chat has ended and refuses to send after it', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    const ended = record(ana, 'ended');
    dr.open('ana');
    dr.end();
    w.bus.flush();
    expect(thread(ana, 'ana').ended).toBe(true);
    expect(ended).toEqual([{ thread: 'ana' }]);
    await expect(ana.send('wait')).rejects.toMatchObject({ code: 'chat-ended' });
  });

  it('starts the chat again when an ended patient comes back for a new visit', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    dr.open('ana');
    dr.end();
    w.bus.flush();
    ana.setVisit('visit-2');
    w.bus.flush();
    expect([thread(ana, 'ana').ended, thread(dr, 'ana').ended]).toEqual([false, false]);
    await ana.send('back again');
    w.bus.flush();
    expect(texts(dr, 'ana')).toEqual(['back again']);
  });

  it('never shows a patient another patient\'s messages', async () => {
    const w = world();
    w.provider();
    const { core: ana } = w.patient('ana');
    const { core: ben } = w.patient('ben');
    await ben.send('private');
    w.bus.flush();
    expect(ana.state.threads.map((t) => t.id)).toEqual(['ana']);
    expect(texts(ana, 'ana')).toEqual([]);
  });

  it('refuses a patient who writes into another patient\'s thread', () => {
    const w = world();
    const { core: dr } = w.provider();
    w.patient('ana');
    const probe = w.bus.transport();
    const errors: unknown[] = [];
    probe.open({ frame: (f) => f.type === 'error' && errors.push(f), error: () => {}, status: () => {} });
    probe.send({ type: 'message', id: 'x1', thread: 'ana', from: { id: 'eve', name: 'Eve', role: 'patient' }, text: 'spoof', at: 1, clock: 1 });
    w.bus.flush();
    expect(texts(dr, 'ana')).toEqual([]);
    expect(errors).toMatchObject([{ code: 'not-allowed', to: 'eve', ref: 'x1' }]);
  });

  it('turns a malformed frame into an error event and changes nothing', () => {
    const w = world();
    const { core: dr } = w.provider();
    w.patient('ana');
    const before = dr.state;
    const errors = record(dr, 'error');
    w.bus.inject('{not json');
    w.bus.inject(JSON.stringify({ v: 1, type: 'message', id: 'm', thread: 'ana' }));
    w.bus.inject(JSON.stringify({ v: 1, type: 'teleport' }));
    expect(errors.map((e) => e.code)).toEqual(['malformed', 'invalid', 'unknown-type']);
    expect(dr.state).toBe(before);
  });

  it('shows and expires typing', () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana', 'Ana');
    ana.setTyping(true);
    w.bus.flush();
    expect(thread(dr, 'ana').typing).toEqual(['Ana']);
    vi.advanceTimersByTime(7000);
    expect(thread(dr, 'ana').typing).toEqual([]);
  });

  it('shows a colleague\'s reply without counting it as unread', async () => {
    const w = world();
    const { core: lee } = w.provider('dr-lee', 'Dr Lee');
    const { core: kim } = w.provider('dr-kim', 'Dr Kim');
    const { core: ana } = w.patient('ana');
    await ana.send('hi');
    w.bus.flush();
    kim.open('ana');
    await kim.send('Dr Kim here');
    w.bus.flush();
    expect(texts(lee, 'ana')).toEqual(['hi', 'Dr Kim here']);
    expect(thread(lee, 'ana').unread).toBe(1);
    expect(texts(ana, 'ana')).toEqual(['hi', 'Dr Kim here']);
  });

  it('carries an image in chunks and rebuilds the same bytes', async () => {
    const w = world();
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    await ana.send('photo', [new File([PNG], 'rash.png')]);
    w.bus.flush();
    const got = thread(dr, 'ana').messages[0].attachments[0];
    expect([got.name, got.mime, got.size, got.progress]).toEqual(['rash.png', 'image/png', PNG.length, 1]);
    expect(new Uint8Array(await got.blob!.arrayBuffer())).toEqual(PNG);
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
  });

  it('withholds the receipt until every chunk has arrived', async () => {
    const w = world('session', { retryMs: 1000 });
    const { core: dr } = w.provider();
    const { core: ana } = w.patient('ana');
    let lost = 1;
    w.bus.lose = (f) => f.type === 'chunk' && f.index === 1 && lost-- > 0;
    await ana.send('', [new File([PNG], 'rash.png')]);
    w.bus.flush();
    expect(thread(ana, 'ana').messages[0].status).toBe('sent');
    expect(thread(dr, 'ana').messages[0].attachments[0].blob).toBeUndefined();
    vi.advanceTimersByTime(1000);
    w.bus.flush();
    expect(thread(ana, 'ana').messages[0].status).toBe('delivered');
    expect(thread(dr, 'ana').messages).toHaveLength(1);
  });

  it('rejects a file over the limit or of another type, and sends nothing', async () => {
    const w = world('session', { maxFileBytes: 1000 });
    w.provider();
    const { core: ana, transport } = w.patient('ana');
    const before = transport.sent.length;
    await expect(ana.send('big', [new File([PNG], 'big.png')])).rejects.toMatchObject({ code: 'too-large' });
    await expect(ana.send('exe', [new File(['MZ...'], 'x.png')])).rejects.toMatchObject({ code: 'unsupported-type' });
    await expect(ana.send('x'.repeat(4001))).rejects.toMatchObject({ code: 'too-large' });
    expect(transport.sent.length).toBe(before);
    expect(texts(ana, 'ana')).toEqual([]);
  });

  describe('view retention', () => {
    it('erases a thread when its box is closed', async () => {
      const w = world('view');
      const { core: dr } = w.provider();
      const { core: ana } = w.patient('ana');
      await ana.send('secret');
      w.bus.flush();
      dr.open('ana');
      dr.close();
      expect(texts(dr, 'ana')).toEqual([]);
      ana.close();
      expect(texts(ana, 'ana')).toEqual([]);
    });

    it('erases the viewed thread when another patient\'s chat is viewed', async () => {
      const w = world('view');
      const { core: dr } = w.provider();
      const { core: ana } = w.patient('ana');
      const { core: ben } = w.patient('ben');
      await ana.send('from ana');
      await ben.send('from ben');
      w.bus.flush();
      dr.open('ana');
      dr.open('ben');
      expect(texts(dr, 'ana')).toEqual([]);
      expect(texts(dr, 'ben')).toEqual(['from ben']);
    });

    it('erases everything when a new visit starts, and a late resend does not bring it back', async () => {
      const w = world('view', { retryMs: 1000 });
      const { core: dr } = w.provider();
      const { core: ana } = w.patient('ana');
      let lost = 1;
      w.bus.lose = (f) => f.type === 'delivered' && lost-- > 0;
      await ana.send('old call');
      w.bus.flush();
      ana.setVisit('visit-2');
      w.bus.flush();
      expect(texts(ana, 'ana')).toEqual([]);
      expect(texts(dr, 'ana')).toEqual([]);
      vi.advanceTimersByTime(1000);
      w.bus.flush();
      expect(texts(dr, 'ana')).toEqual([]);
    });

    it('session retention keeps threads through close and switching', async () => {
      const w = world('session');
      const { core: dr } = w.provider();
      const { core: ana } = w.patient('ana');
      w.patient('ben');
      await ana.send('kept');
      w.bus.flush();
      dr.open('ana');
      dr.open('ben');
      dr.close();
      expect(texts(dr, 'ana')).toEqual(['kept']);
    });
  });

  it('takes the queue from a host that owns it, including who has left', () => {
    const w = world();
    const { core: dr } = w.provider();
    dr.setQueue([
      { id: 'p1', name: 'Pat One' },
      { id: 'p2', name: 'Pat Two', present: false },
    ]);
    expect(dr.state.threads.map((t) => [t.id, t.present])).toEqual([
      ['p1', true],
      ['p2', false],
    ]);
  });
});
