// The core through reloads, endings and departures: order of sending kept across a page that
// forgot everything, an ended chat that stays ended, and the queue and status the care team sees.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutgoingFrame } from '../../protocol/index.js';
import { MemoryBus } from '../testing/memory-bus.js';
import { ChatCore } from './chat-core.js';
import type { Retention } from './types.js';

const MINUTE = 60_000;

function world(retention: Retention = 'session') {
  const bus = new MemoryBus();
  const make = (id: string, name: string, role: 'patient' | 'provider', visit?: string, up = true) => {
    const transport = bus.transport();
    const core = new ChatCore({ me: { id, name, role }, transport, retention, visit, heartbeatMs: 1000, retryMs: 1000 });
    core.start();
    if (!up) transport.setUp(false);
    bus.flush();
    return { core, transport };
  };
  return {
    bus,
    provider: (up = true) => make('dr-lee', 'Dr Lee', 'provider', undefined, up),
    patient: (id = 'ana', visit = 'visit-1', up = true) => make(id, id.toUpperCase(), 'patient', visit, up),
  };
}

const thread = (core: ChatCore, id: string) => {
  const t = core.state.threads.find((x) => x.id === id);
  if (!t) throw new Error(`no thread ${id}`);
  return t;
};
const texts = (core: ChatCore, id: string) => thread(core, id).messages.map((m) => m.text);

/** A page reload: the old page says goodbye and is gone, a new page with the same identity starts from nothing. */
function reload<T extends { core: ChatCore }>(w: ReturnType<typeof world>, page: T, again: () => T): T {
  page.core.stop();
  w.bus.flush();
  return again();
}

describe('order of sending across a reload (ephemeral mode)', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  async function beforeReload() {
    const w = world();
    const dr = w.provider();
    let ana = w.patient();
    await ana.core.send('w1');
    w.bus.flush();
    dr.core.open('ana');
    await dr.core.send('reply');
    w.bus.flush();
    await ana.core.send('w2');
    w.bus.flush();
    return { w, dr, ana };
  }

  it('keeps a patient message sent after her reload after everything before it', async () => {
    const { w, dr, ana: old } = await beforeReload();
    const ana = reload(w, old, () => w.patient());
    await ana.core.send('w3');
    w.bus.flush();
    expect(texts(dr.core, 'ana')).toEqual(['w1', 'reply', 'w2', 'w3']);
  });

  it('keeps that order when the reloaded page’s clock is ten minutes behind', async () => {
    const { w, dr, ana: old } = await beforeReload();
    vi.setSystemTime(Date.now() - 10 * MINUTE);
    const ana = reload(w, old, () => w.patient());
    await ana.core.send('w3');
    w.bus.flush();
    expect(texts(dr.core, 'ana')).toEqual(['w1', 'reply', 'w2', 'w3']);
  });

  it('keeps that order when the patient writes before her reloaded page has reached anyone', async () => {
    const { w, dr, ana: old } = await beforeReload();
    vi.setSystemTime(Date.now() - 10 * MINUTE);
    const ana = reload(w, old, () => w.patient('ana', 'visit-1', false));
    await ana.core.send('w3');
    expect(thread(ana.core, 'ana').messages[0].status).toBe('sending');
    ana.transport.setUp(true);
    w.bus.flush();
    expect(texts(dr.core, 'ana')).toEqual(['w1', 'reply', 'w2', 'w3']);
    expect(thread(ana.core, 'ana').messages[0].status).toBe('read');
  });

  it('keeps a clinician reply sent after the clinician reloads after the patient’s earlier messages', async () => {
    const { w, dr: old, ana } = await beforeReload();
    vi.setSystemTime(Date.now() - 10 * MINUTE);
    const dr = reload(w, old, () => w.provider());
    dr.core.open('ana');
    await dr.core.send('welcome back');
    w.bus.flush();
    expect(texts(ana.core, 'ana')).toEqual(['w1', 'reply', 'w2', 'welcome back']);
  });

  it('in hub mode orders by the hub’s seq, whatever the clocks say', () => {
    const bus = new MemoryBus();
    const transport = Object.assign(bus.transport(), { kind: 'hub' as const });
    const ana = new ChatCore({ me: { id: 'ana', name: 'Ana', role: 'patient' }, transport });
    ana.start();
    const from = { id: 'dr-lee', name: 'Dr Lee', role: 'provider' as const };
    const frame = (id: string, seq: number, clock: number): OutgoingFrame => ({ type: 'message', id, thread: 'ana', from, text: id, at: 0, clock, seq });
    bus.inject(JSON.stringify({ v: 1, ...frame('second', 2, 1) }));
    bus.inject(JSON.stringify({ v: 1, ...frame('first', 1, 99) }));
    expect(texts(ana, 'ana')).toEqual(['first', 'second']);
  });
});

describe('an ended chat stays ended (ephemeral mode)', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('tells a patient who reloads an ended visit that it has ended, so she cannot send', async () => {
    const w = world();
    const dr = w.provider();
    const old = w.patient();
    dr.core.open('ana');
    dr.core.end();
    w.bus.flush();
    const ana = reload(w, old, () => w.patient());
    expect(thread(ana.core, 'ana').ended).toBe(true);
    await expect(ana.core.send('still there?')).rejects.toMatchObject({ code: 'chat-ended' });
  });

  it('does not end the chat of a patient who comes back for another visit', () => {
    const w = world();
    const dr = w.provider();
    const old = w.patient();
    dr.core.open('ana');
    dr.core.end();
    w.bus.flush();
    const ana = reload(w, old, () => w.patient('ana', 'visit-2'));
    expect([thread(ana.core, 'ana').ended, thread(dr.core, 'ana').ended]).toEqual([false, false]);
  });
});

describe('what a reload or erasure would lose', () => {
  it('says a page would lose messages on unload once a thread holds any, in ephemeral mode', async () => {
    const w = world();
    const dr = w.provider();
    const ana = w.patient();
    expect(dr.core.state.wouldLoseOnUnload).toBe(false);
    await ana.core.send('hello');
    w.bus.flush();
    expect([dr.core.state.wouldLoseOnUnload, ana.core.state.wouldLoseOnUnload]).toEqual([true, true]);
  });

  it('never says so through a hub, which keeps the messages', async () => {
    const bus = new MemoryBus();
    const transport = Object.assign(bus.transport(), { kind: 'hub' as const });
    const ana = new ChatCore({ me: { id: 'ana', name: 'Ana', role: 'patient' }, transport });
    ana.start();
    await ana.send('stored by the hub');
    expect(ana.state.wouldLoseOnUnload).toBe(false);
  });

  it('marks a thread erased by view retention as cleared, and a fresh one as not', async () => {
    const w = world('view');
    const dr = w.provider();
    const ana = w.patient();
    w.patient('ben');
    expect(thread(dr.core, 'ana').cleared).toBe(false);
    await ana.core.send('private');
    w.bus.flush();
    dr.core.open('ana');
    dr.core.open('ben');
    expect([thread(dr.core, 'ana').messages.length, thread(dr.core, 'ana').cleared, thread(dr.core, 'ben').cleared]).toEqual([0, true, false]);
  });
});

describe('one source for where the other side is', () => {
  it('says the patient is in the call when the host’s queue says so, and waiting otherwise', () => {
    const w = world();
    const dr = w.provider();
    dr.core.setQueue([{ id: 'ana', name: 'Ana', inCall: true }, { id: 'ben', name: 'Ben' }]);
    expect(dr.core.state.threads.map((t) => t.peerState)).toEqual(['in-call', 'waiting']);
  });

  it('says the patient left, not that the clinician is offline, when the call drops as she leaves', () => {
    const w = world();
    const dr = w.provider();
    const ana = w.patient();
    dr.core.open('ana');
    ana.core.stop();
    w.bus.flush();
    dr.transport.setUp(false);
    expect([dr.core.state.connection, thread(dr.core, 'ana').peerState]).toEqual(['offline', 'left']);
  });

  it('says offline while the patient is still there and this page lost its connection', () => {
    const w = world();
    const dr = w.provider();
    w.patient();
    dr.transport.setUp(false);
    expect(thread(dr.core, 'ana').peerState).toBe('offline');
  });

  it('tells the patient whether the care team is here, and that the chat ended', () => {
    const w = world();
    const ana = w.patient();
    expect(thread(ana.core, 'ana').peerState).toBe('waiting');
    const dr = w.provider();
    w.bus.flush();
    expect(thread(ana.core, 'ana').peerState).toBe('here');
    dr.core.open('ana');
    dr.core.end();
    w.bus.flush();
    expect(thread(ana.core, 'ana').peerState).toBe('ended');
  });
});

describe('the queue: stable order, previews, dismissal', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('keeps arrival order however the patients write, with each arrival time and last message', async () => {
    const w = world();
    const dr = w.provider();
    const arrived = Date.now();
    w.patient('ana');
    vi.advanceTimersByTime(1000);
    const ben = w.patient('ben');
    await ben.core.send('ben writes first');
    w.bus.flush();
    expect(dr.core.state.threads.map((t) => [t.id, t.arrivedAt, t.lastMessage?.text])).toEqual([
      ['ana', arrived, undefined],
      ['ben', arrived + 1000, 'ben writes first'],
    ]);
  });

  it('dismisses a patient who left, and refuses to dismiss one who is still here', () => {
    const w = world();
    const dr = w.provider();
    const ana = w.patient('ana');
    w.patient('ben');
    const errors: string[] = [];
    dr.core.events.on('error', (e) => errors.push(e.code));
    dr.core.dismiss('ana');
    expect([dr.core.state.threads.length, errors]).toEqual([2, ['not-allowed']]);
    ana.core.stop();
    w.bus.flush();
    dr.core.dismiss('ana');
    expect(dr.core.state.threads.map((t) => t.id)).toEqual(['ben']);
  });

  it('closes the box of a dismissed patient, erases her thread in view retention, and queues her anew when she returns', async () => {
    const w = world('view');
    const dr = w.provider();
    let ana = w.patient('ana');
    w.patient('ben');
    await ana.core.send('before leaving');
    w.bus.flush();
    dr.core.open('ana');
    ana = reload(w, ana, () => ana);
    dr.core.dismiss('ana');
    expect([dr.core.state.active, dr.core.state.box]).toEqual([null, 'closed']);
    vi.advanceTimersByTime(1000);
    ana = w.patient('ana');
    w.bus.flush();
    expect(dr.core.state.threads.map((t) => t.id)).toEqual(['ben', 'ana']);
    expect(texts(dr.core, 'ana')).toEqual([]);
  });
});
