// The widget's core and HubTransport against a real hub (SQLite file, real WebSockets).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { countMessages } from '../../hub/db/repositories/messages.js';
import { createHub, type Hub } from '../../hub/hub.js';
import { createTestOrg, type TestOrg } from '../../hub/testing/tokens.js';
import { ChatCore } from '../core/chat-core.js';
import { HubTransport, readTokenClaims, type WebSocketLike } from './hub.js';

let dir: string;
let hub: Hub;
let clinic: TestOrg;
const cores: ChatCore[] = [];

async function join_(sub: string, role: 'patient' | 'staff', getToken?: () => Promise<string>) {
  const token = await clinic.mint({ sub, role, name: sub.toUpperCase() });
  const transport = new HubTransport({
    url: hub.wsUrl,
    getToken: getToken ?? (() => token),
    WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
    minBackoffMs: 50,
    maxBackoffMs: 200,
  });
  const claims = readTokenClaims(token);
  const core = new ChatCore({ me: { id: claims.sub!, name: claims.name!, role: role === 'patient' ? 'patient' : 'provider' }, transport });
  core.start();
  cores.push(core);
  await vi.waitFor(() => expect(core.state.connection).toBe('online'));
  return core;
}
const thread = (core: ChatCore, id: string) => core.state.threads.find((t) => t.id === id);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinic-chat-widget-hub-'));
  hub = await createHub({ port: 0, dataDir: dir, logger: pino({ level: 'silent' }), gateway: { heartbeatMs: 300 } });
  clinic = await createTestOrg(hub.ctx);
});

afterEach(async () => {
  for (const core of cores.splice(0)) core.stop();
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('HubTransport with the chat core', () => {
  it('reads who it is from the token claims without verifying them', async () => {
    const token = await clinic.mint({ sub: 'ana', name: 'Ana', role: 'patient', visit: 'v9' });
    expect(readTokenClaims(token)).toMatchObject({ sub: 'ana', name: 'Ana', role: 'patient', visit: 'v9' });
    expect(readTokenClaims('not-a-token')).toEqual({});
  });

  it('takes a message from sending to sent only once the hub has stored it, then delivered and read', async () => {
    const dr = await join_('dr-lee', 'staff');
    const ana = await join_('ana', 'patient');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.present).toBe(true));
    await vi.waitFor(() => expect(thread(ana, 'ana')?.present).toBe(true)); // the care team is online
    const sent = await ana.send('hello through the hub');
    expect(sent.status).toBe('sending');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).not.toBe('sending'));
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(1);
    expect(thread(ana, 'ana')!.messages[0].seq).toBe(1);
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('delivered'));
    dr.open('ana');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('read'));
    expect(thread(dr, 'ana')!.messages.map((m) => [m.text, m.seq])).toEqual([['hello through the hub', 1]]);
  });

  it('keeps what is typed during an outage and delivers it exactly once after reconnecting', async () => {
    const dr = await join_('dr-lee', 'staff');
    const ana = await join_('ana', 'patient');
    await ana.send('before');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    // The hub drops every socket (a network blip); the clients reconnect on their own.
    const sockets = [...(hub.gateway as unknown as { sessions: Set<{ ws: { terminate(): void } }> }).sessions];
    for (const s of sockets) s.ws.terminate();
    // Typed at once: the socket may not even know yet that it is dead; the outbox re-sends on reconnect.
    await ana.send('during 1');
    await ana.send('during 2');
    await vi.waitFor(() => expect(ana.state.connection).toBe('online'), { timeout: 5000 });
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages.map((m) => m.text)).toEqual(['before', 'during 1', 'during 2']), { timeout: 5000 });
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(3);
  });

  it('catches up on what was missed while away, in order', async () => {
    const ana = await join_('ana', 'patient');
    const dr = await join_('dr-lee', 'staff');
    await ana.send('one');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.stop();
    await ana.send('two');
    await ana.send('three');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages.slice(1).map((m) => m.status)).toEqual(['sent', 'sent']));
    const later = await join_('dr-lee', 'staff');
    await vi.waitFor(() => expect(thread(later, 'ana')?.messages.map((m) => m.text)).toEqual(['one', 'two', 'three']));
  });

  it('gives a reloaded page its own stored messages back as its own, once, in order', async () => {
    const dr = await join_('dr-lee', 'staff');
    const ana = await join_('ana', 'patient');
    await ana.send('one');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.open('ana');
    await dr.send('two');
    await vi.waitFor(() => expect(thread(ana, 'ana')?.messages).toHaveLength(2));
    ana.stop();
    dr.stop();

    const [anaAgain, drAgain] = [await join_('ana', 'patient'), await join_('dr-lee', 'staff')];

    const shown = (core: ChatCore) => thread(core, 'ana')?.messages.map((m) => [m.text, m.mine, m.seq]);
    await vi.waitFor(() => expect(shown(anaAgain)).toEqual([['one', true, 1], ['two', false, 2]]));
    await vi.waitFor(() => expect(shown(drAgain)).toEqual([['one', false, 1], ['two', true, 2]]));
    // Stored, not in the outbox: nothing of it is sent again; and the receipts come back from the cursors.
    expect(thread(anaAgain, 'ana')!.messages[0].status).toBe('read');
    // The provider had read Ana's message before reloading: it is not unread again.
    expect(thread(drAgain, 'ana')!.unread).toBe(0);
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(2);
  });

  it('tells a page whose origin the org does not allow that it is refused, and stops retrying', async () => {
    class ForeignPage extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'https://evil.example' });
      }
    }
    let issued = 0;
    const token = await clinic.mint({ sub: 'mallory', role: 'patient' });
    const transport = new HubTransport({
      url: hub.wsUrl,
      getToken: () => (issued++, token),
      WebSocket: ForeignPage as unknown as new (url: string) => WebSocketLike,
      minBackoffMs: 20,
    });
    const core = new ChatCore({ me: { id: 'mallory', name: 'M', role: 'patient' }, transport });
    const errors: string[] = [];
    core.events.on('error', (e) => errors.push(e.code));
    core.start();
    cores.push(core);
    await vi.waitFor(() => expect(core.state.connection).toBe('refused'));
    await new Promise((r) => setTimeout(r, 200));
    expect(issued).toBe(1);
    expect(errors).toContain('forbidden');
  });

  it('refreshes a short-lived token near its expiry, not every second', async () => {
    let issued = 0;
    const getToken = async () => {
      issued++;
      return clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' }, { expiresIn: 20 });
    };
    await join_('ana', 'patient', getToken);
    const before = issued;
    await new Promise((r) => setTimeout(r, 2500));
    expect(issued).toBe(before);
  });

  it('gives up on a hub that stopped answering and reconnects, without waiting for the socket to close', async () => {
    const token = await clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' });
    const transport = new HubTransport({
      url: hub.wsUrl,
      getToken: () => token,
      WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
      minBackoffMs: 20,
      livenessMs: 100,
    });
    const ana = new ChatCore({ me: { id: 'ana', name: 'ANA', role: 'patient' }, transport });
    const states: string[] = [];
    ana.subscribe((s) => states.at(-1) !== s.connection && states.push(s.connection));
    ana.start();
    cores.push(ana);
    await vi.waitFor(() => expect(ana.state.connection).toBe('online'));
    // The hub's end of the socket stops reading: it neither answers pings nor closes.
    const [session] = [...(hub.gateway as unknown as { sessions: Set<{ ws: { _socket: { pause(): void } } }> }).sessions];
    session.ws._socket.pause();
    await vi.waitFor(() => expect(states).toEqual(['connecting', 'online', 'offline', 'online']), { timeout: 3000 });
    await ana.send('after the blackout');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('sent'));
  });

  it('asks for a fresh token before reconnecting', async () => {
    let issued = 0;
    const getToken = async () => {
      issued++;
      return clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' });
    };
    const ana = await join_('ana', 'patient', getToken);
    const before = issued;
    const sockets = [...(hub.gateway as unknown as { sessions: Set<{ ws: { terminate(): void } }> }).sessions];
    for (const s of sockets) s.ws.terminate();
    await vi.waitFor(() => expect(issued).toBeGreaterThan(before));
    await vi.waitFor(() => expect(ana.state.connection).toBe('online'));
  });
});

describe('the stored conversation is the care team\'s truth, not who is present', () => {
  it('gives a clinician who connects later what a patient wrote while no one was there, and keeps it on later resumes', async () => {
    const ana = await join_('ana', 'patient');
    await ana.send('is anyone there?');
    await vi.waitFor(() => expect(thread(ana, 'ana')!.messages[0].status).toBe('sent'));
    ana.stop(); // Ana leaves before any clinician connects
    const dr = await join_('dr-lee', 'staff');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages.map((m) => m.text)).toEqual(['is anyone there?']));
    // Stored history is not presence: Ana is not here, and the queue must not say she waits.
    expect([thread(dr, 'ana')!.present, thread(dr, 'ana')!.peerState]).toEqual([false, 'left']);
    const back = await join_('ana', 'patient');
    await vi.waitFor(() => expect(thread(dr, 'ana')!.present).toBe(true));
    await back.send('hello again');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages.map((m) => [m.text, m.seq])).toEqual([['is anyone there?', 1], ['hello again', 2]]));
    // A reload of the clinician's page resumes from what it holds and still has both.
    dr.stop();
    const drAgain = await join_('dr-lee', 'staff');
    await vi.waitFor(() => expect(thread(drAgain, 'ana')?.messages.map((m) => m.text)).toEqual(['is anyone there?', 'hello again']));
  });

  it('fills in the history of a patient who comes back to a clinician page that stayed open', async () => {
    const ana = await join_('ana', 'patient');
    const dr = await join_('dr-lee', 'staff');
    await ana.send('first visit');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.open('ana');
    await dr.send('answered');
    await vi.waitFor(() => expect(thread(ana, 'ana')?.messages).toHaveLength(2));
    ana.stop();
    // A second clinician page opens while Ana is away: her conversation was answered, so it is not in its catch-up.
    const colleague = await join_('dr-kim', 'staff');
    await new Promise((r) => setTimeout(r, 200));
    expect(thread(colleague, 'ana')?.messages ?? []).toEqual([]);
    // Ana comes back: the page that stayed open gets her history, before and around her new message.
    const back = await join_('ana', 'patient');
    await vi.waitFor(() => expect(thread(colleague, 'ana')?.messages.map((m) => m.text)).toEqual(['first visit', 'answered']));
    await back.send('back again');
    await vi.waitFor(() => expect(thread(colleague, 'ana')?.messages.map((m) => [m.text, m.seq])).toEqual([['first visit', 1], ['answered', 2], ['back again', 3]]));
  });

  it('keeps an ended chat ended across reloads for both sides, and refuses a message into it', async () => {
    const ana = await join_('ana', 'patient');
    const dr = await join_('dr-lee', 'staff');
    await ana.send('hello');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.open('ana');
    dr.end();
    await vi.waitFor(() => expect(thread(ana, 'ana')?.ended).toBe(true));
    ana.stop();
    const reloaded = await join_('ana', 'patient');
    await vi.waitFor(() => expect(thread(reloaded, 'ana')?.ended).toBe(true));
    // Even a page that sends anyway (an old tab) is refused, never left at Sent.
    const stale = new HubTransport({ url: hub.wsUrl, getToken: () => clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA' }), WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike });
    const refusals: string[] = [];
    stale.open({ status: () => undefined, error: () => undefined, frame: (f) => void (f.type === 'error' && refusals.push(f.code)) });
    await vi.waitFor(() => expect(stale.send({ type: 'message', id: 'late', thread: 'ana', from: { id: 'ana', name: 'ANA', role: 'patient' }, text: 'still there?', at: Date.now(), clock: 9 })).toBe(true));
    await vi.waitFor(() => expect(refusals).toContain('chat-ended'));
    stale.close();
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(1);
    // A fresh clinician page shows the chat as ended too.
    dr.stop();
    const drAgain = await join_('dr-lee', 'staff');
    await vi.waitFor(() => expect(thread(drAgain, 'ana')?.ended).toBe(true));
  });

  it('lets a patient write again in a new visit after the last visit\'s chat ended', async () => {
    const mint = (visit: string) => clinic.mint({ sub: 'ana', role: 'patient', name: 'ANA', visit });
    const connect = async (visit: string) => {
      const token = await mint(visit);
      const core = new ChatCore({ me: { id: 'ana', name: 'ANA', role: 'patient' }, transport: new HubTransport({ url: hub.wsUrl, getToken: () => token, WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike }) });
      core.start();
      cores.push(core);
      await vi.waitFor(() => expect(core.state.connection).toBe('online'));
      return core;
    };
    const dr = await join_('dr-lee', 'staff');
    const first = await connect('visit-1');
    await first.send('in the first visit');
    await vi.waitFor(() => expect(thread(dr, 'ana')?.messages).toHaveLength(1));
    dr.open('ana');
    dr.end();
    await vi.waitFor(() => expect(thread(first, 'ana')?.ended).toBe(true));
    first.stop();
    const second = await connect('visit-2');
    await new Promise((r) => setTimeout(r, 200));
    expect(thread(second, 'ana')?.ended).toBeFalsy();
    await second.send('in the second visit');
    await vi.waitFor(() => expect(thread(second, 'ana')!.messages.at(-1)!.status).not.toBe('sending'));
    expect(thread(second, 'ana')!.messages.at(-1)!.status).not.toBe('failed');
    expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(2);
  });
});

describe('HubTransport filling gaps it notices live', () => {
  /** A socket the test speaks for: what the transport sends is recorded, what the "hub" says is pushed in. */
  class ScriptedSocket implements WebSocketLike {
    static last?: ScriptedSocket;
    readyState = 0;
    readonly sent: Array<Record<string, unknown>> = [];
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    constructor() {
      ScriptedSocket.last = this;
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
      });
    }
    send(data: string) {
      this.sent.push(JSON.parse(data) as Record<string, unknown>);
    }
    close() {
      this.readyState = 3;
    }
    say(frame: Record<string, unknown>) {
      this.onmessage?.({ data: JSON.stringify({ v: 1, ...frame }) });
    }
  }
  const message = (thread: string, seq: number) => ({ type: 'message', id: `m${seq}`, thread, from: { id: thread, name: thread, role: 'patient' }, text: `#${seq}`, at: 1, clock: seq, seq });

  async function connected() {
    const transport = new HubTransport({ url: 'ws://hub.test/v1/ws', getToken: () => 'a.b.c', WebSocket: ScriptedSocket });
    transport.open({ frame: () => undefined, error: () => undefined, status: () => undefined });
    await vi.waitFor(() => expect(ScriptedSocket.last?.sent[0]?.type).toBe('auth'));
    const socket = ScriptedSocket.last!;
    socket.say({ type: 'ready', me: { id: 'dr', name: 'Dr', role: 'provider' }, session: 's1', heartbeatMs: 60_000 });
    return { transport, socket, resumes: () => socket.sent.filter((f) => f.type === 'resume') };
  }

  it('asks for the missing messages of a thread when a live seq skips ahead, and only after its catch-up', async () => {
    const { transport, socket, resumes } = await connected();
    // During the catch-up the hub sends history from where this page is: no gap to fill.
    socket.say(message('ana', 4));
    socket.say({ type: 'synced' });
    socket.say(message('ana', 5));
    expect(resumes()).toHaveLength(1);
    socket.say(message('ana', 8));
    expect(resumes().at(-1)).toEqual({ v: 1, type: 'resume', seen: [{ thread: 'ana', seq: 5 }], only: true });
    // A thread this page never held, met live at seq 3: everything before it.
    socket.say(message('ben', 3));
    expect(resumes().at(-1)).toEqual({ v: 1, type: 'resume', seen: [{ thread: 'ben', seq: 0 }], only: true });
    socket.say(message('ben', 4));
    expect(resumes()).toHaveLength(3);
    transport.close();
  });

  it('asks for the history of a patient who joins while it holds nothing of them', async () => {
    const { transport, socket, resumes } = await connected();
    socket.say({ type: 'synced' });
    socket.say({ type: 'presence', from: { id: 'cleo', name: 'Cleo', role: 'patient' }, state: 'joined' });
    expect(resumes().at(-1)).toEqual({ v: 1, type: 'resume', seen: [{ thread: 'cleo', seq: 0 }], only: true });
    transport.close();
  });
});
